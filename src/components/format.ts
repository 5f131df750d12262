/**
 * Stripe amounts are in the currency's smallest unit: cents for USD, whole yen for JPY (a
 * zero-decimal currency has no minor unit). Intl knows how many fraction digits each has.
 */
function fromMinorUnits(amount: number, currency: string) {
  const digits = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  return { value: amount / 10 ** digits, digits };
}

/** An amount in minor units with a currency, as the user reads it ($29.00, ¥500). */
export const formatMoney = (amount: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(fromMinorUnits(amount, currency).value);

/** Whole units when there is no fraction ($29), else with it ($29.50). */
export const formatPrice = (amount: number, currency: string) => {
  const { value, digits } = fromMinorUnits(amount, currency);
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: Number.isInteger(value) ? 0 : digits,
  }).format(value);
};

/** The locale when the request names none we can format in. */
export const DEFAULT_LOCALE = "en-US";

/** Browsers send a handful of languages; anything past these bounds is not a preference list. */
const ACCEPT_LANGUAGE_MAX_CHARS = 200;
const ACCEPT_LANGUAGE_MAX_ENTRIES = 10;

/**
 * A language tag reduced to language, script and region ("en-u-ca-buddhist" → "en",
 * "zh-Hant-TW-x-foo" → "zh-Hant-TW"), if Intl can format in it. Extensions and variants go: the
 * header is the client's, so it may not pick the calendar or numbering system, nor mint a new
 * cache key per request.
 */
function formattableBase(tag: string): string | null {
  try {
    const { language, script, region } = new Intl.Locale(tag);
    const base = [language, script, region].filter(Boolean).join("-");
    return Intl.DateTimeFormat.supportedLocalesOf(base).length ? base : null;
  } catch {
    return null; // not a well-formed language tag
  }
}

/**
 * The user's locale from an Accept-Language header: the most preferred language tag Intl can
 * format in, as language[-script][-region]. Only the header's first ACCEPT_LANGUAGE_MAX_CHARS
 * characters and ACCEPT_LANGUAGE_MAX_ENTRIES entries are read. The server resolves it once per
 * request and hands the same string to the client (locale.tsx), so server-rendered and hydrated
 * dates are the same text.
 */
export function resolveLocale(acceptLanguage: string | null | undefined): string {
  const ranked = (acceptLanguage ?? "")
    .slice(0, ACCEPT_LANGUAGE_MAX_CHARS)
    .split(",", ACCEPT_LANGUAGE_MAX_ENTRIES)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = Number(params.find((p) => p.trim().startsWith("q="))?.trim().slice(2) ?? 1);
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag && entry.tag !== "*" && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const base = formattableBase(tag);
    if (base) return base;
  }
  return DEFAULT_LOCALE;
}

/**
 * Built formatters by locale and options. Bounded although locales are reduced to base names
 * (en-AA … en-ZZ are all "supported"): past the cap the oldest entry goes, so no run of requests
 * grows it without end.
 */
export const DATE_FORMAT_CACHE_MAX = 100;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const formatIn = (locale: string, options: Intl.DateTimeFormatOptions) => {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    if (dateFormats.size >= DATE_FORMAT_CACHE_MAX) dateFormats.delete(dateFormats.keys().next().value!);
    dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  }
  return format;
};
/** For tests: how many formatters are kept. */
export const dateFormatCacheSize = () => dateFormats.size;

/**
 * The one date formatter of the UI: a calendar date in the user's locale, in UTC (billing dates
 * are UTC days, so a date never shifts by the reader's time zone). Null shows as a dash.
 */
export const formatDate = (date: Date | string | null | undefined, locale: string) =>
  date ? formatIn(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date)) : "—";

/** An instant to the minute in the user's locale, in UTC and saying so ("Jan 31, 2026, 2:05 PM UTC"). */
export const formatDateTime = (date: Date | string, locale: string) =>
  `${formatIn(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(date))} UTC`;

const counts = new Intl.NumberFormat("en-US");
const percents = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A count of tokens, projects, seats… ("1,250,000"); numbers stay en-US while dates follow the locale. */
export const formatCount = (n: number) => counts.format(n);
/** A percentage's number, up to two decimals ("85.5"); the caller adds the "%". */
export const formatPercent = (n: number) => percents.format(n);

export const formatLimit = (limit: number | null) => (limit === null ? "Unlimited" : formatCount(limit));
