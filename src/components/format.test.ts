import { describe, expect, it } from "vitest";
import { DEFAULT_LOCALE, formatDate, formatDateTime, formatMoney, formatPrice, resolveLocale } from "~/components/format";

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
