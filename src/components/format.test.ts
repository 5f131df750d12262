import { describe, expect, it } from "vitest";
import {
  DATE_FORMAT_CACHE_MAX,
  dateFormatCacheSize,
  DEFAULT_LOCALE,
  formatDate,
  formatDateTime,
  formatMoney,
  formatPrice,
  resolveLocale,
} from "~/components/format";

describe("formatMoney / formatPrice: amounts in the currency's smallest unit", () => {
  it("two-decimal currencies are divided by 100", () => {
    expect(formatMoney(2900, "usd")).toBe("$29.00");
    expect(formatMoney(2950, "EUR")).toBe("€29.50");
    expect(formatPrice(2900, "usd")).toBe("$29");
    expect(formatPrice(2950, "usd")).toBe("$29.50");
  });

  it("zero-decimal currencies (JPY, KRW) are not divided", () => {
    expect(formatMoney(500, "jpy")).toBe("¥500");
    expect(formatMoney(12000, "krw")).toBe("₩12,000");
    expect(formatPrice(3000, "jpy")).toBe("¥3,000");
  });

  it("three-decimal currencies are divided by 1000", () => {
    expect(formatMoney(1500, "kwd")).toMatch(/^KWD\s1\.500$/);
  });
});

describe("resolveLocale: the user's locale from Accept-Language", () => {
  it("takes the most preferred tag Intl can format in", () => {
    expect(resolveLocale("de-DE,de;q=0.9,en;q=0.8")).toBe("de-DE");
    expect(resolveLocale("en;q=0.5, fr-CA;q=0.9")).toBe("fr-CA");
  });

  it("falls back to en-US for a missing, empty, wildcard or malformed header", () => {
    expect(resolveLocale(null)).toBe(DEFAULT_LOCALE);
    expect(resolveLocale("")).toBe(DEFAULT_LOCALE);
    expect(resolveLocale("*")).toBe(DEFAULT_LOCALE);
    expect(resolveLocale("not a tag!!, ;q=1")).toBe(DEFAULT_LOCALE);
    expect(resolveLocale("fr;q=0")).toBe(DEFAULT_LOCALE);
  });

  it("keeps language, script and region only: the header picks no calendar, numbering or private extension", () => {
    expect(resolveLocale("en-u-ca-buddhist")).toBe("en");
    expect(formatDate("2026-11-29T00:00:00Z", resolveLocale("en-u-ca-buddhist"))).toBe("Nov 29, 2026");
    expect(resolveLocale("ar-EG-u-nu-arab")).toBe("ar-EG");
    expect(resolveLocale("zh-Hant-TW-x-private")).toBe("zh-Hant-TW");
    expect(resolveLocale("de-DE-1996")).toBe("de-DE");
  });

  it("reads only the start of a 10 KB header: a tag past it is ignored", () => {
    const header = `${"xx;q=0.1,".repeat(1_200)}fr-FR`;
    expect(header.length).toBeGreaterThan(10_000);
    expect(resolveLocale(header)).toBe(DEFAULT_LOCALE);
    expect(resolveLocale(`${"1,".repeat(10)}fr-FR`)).toBe(DEFAULT_LOCALE); // the 11th entry
    expect(resolveLocale(`${"1,".repeat(9)}fr-FR`)).toBe("fr-FR");
  });
});

describe("the formatter cache stays bounded whatever the headers", () => {
  const day = new Date("2026-11-29T00:00:00Z");

  it("1000 private-use tags (en-x-<random>) are all one locale", () => {
    const before = dateFormatCacheSize();
    for (let i = 0; i < 1000; i++) expect(formatDate(day, resolveLocale(`en-x-${Math.random().toString(36).slice(2, 10)}`))).toBe("Nov 29, 2026");
    expect(dateFormatCacheSize()).toBeLessThanOrEqual(before + 1);
  });

  it("every region of a language (en-AA … en-ZZ, 676 locales) never holds more than the cap", () => {
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const a of letters) for (const b of letters) formatDate(day, resolveLocale(`en-${a}${b}`));
    expect(dateFormatCacheSize()).toBe(DATE_FORMAT_CACHE_MAX);
  });
});

describe("formatDate / formatDateTime: one format, the user's locale, UTC", () => {
  const lateEvening = new Date("2026-11-29T23:30:00Z");

  it("formats a date in the given locale", () => {
    expect(formatDate(lateEvening, "en-US")).toBe("Nov 29, 2026");
    expect(formatDate(lateEvening, "de-DE")).toBe("29.11.2026");
    expect(formatDate("2026-11-29T00:00:00.000Z", "en-GB")).toBe("29 Nov 2026");
  });

  it("shows a dash for no date", () => {
    expect(formatDate(null, "en-US")).toBe("—");
    expect(formatDate(undefined, "de-DE")).toBe("—");
  });

  it("states UTC on a date-time and formats it in the locale", () => {
    expect(formatDateTime(lateEvening, "en-US").replace(/\s/g, " ")).toBe("Nov 29, 2026, 11:30 PM UTC");
    expect(formatDateTime(lateEvening, "de-DE")).toBe("29.11.2026, 23:30 UTC");
  });
});
