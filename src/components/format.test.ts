import { describe, expect, it } from "vitest";
import { formatMoney, formatPrice } from "~/components/format";

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
