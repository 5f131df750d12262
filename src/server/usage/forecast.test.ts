import { describe, expect, it } from "vitest";
import { forecastUsage } from "~/server/usage/forecast";

const at = (iso: string) => new Date(iso);

describe("forecastUsage", () => {
  it("projects the month-end total at the pace so far and dates the crossing of the limit", () => {
    // 10 of November's 30 days gone, 30,000 used: 3,000 a day, 90,000 by the end of the month.
    const f = forecastUsage({ current: 30_000, limit: 60_000, now: at("2026-11-11T00:00:00Z") });
    expect(f).toEqual({ period: "2026-11", daysInMonth: 30, elapsedDays: 10, pacePerDay: 3_000, projected: 90_000, limitReachedOn: "2026-11-21" });
  });

  it("counts elapsed time to the hour, so a day half gone weighs half", () => {
    const f = forecastUsage({ current: 1_500, limit: null, now: at("2026-11-02T12:00:00Z") });
    expect(f.elapsedDays).toBe(1.5);
    expect(f.pacePerDay).toBe(1_000);
    expect(f.projected).toBe(30_000);
    expect(f.limitReachedOn).toBeNull();
  });

  it("on the 1st, reads the pace over at least one whole day instead of extrapolating minutes", () => {
    const f = forecastUsage({ current: 500, limit: 100_000, now: at("2026-12-01T00:05:00Z") });
    expect(f).toMatchObject({ elapsedDays: 1, pacePerDay: 500, projected: 15_500, limitReachedOn: null });
    expect(forecastUsage({ current: 0, limit: 10, now: at("2026-12-01T00:00:00Z") })).toMatchObject({ pacePerDay: 0, projected: 0, limitReachedOn: null });
  });

  it("gives no date when the pace stays under the limit this month, or when nothing is used", () => {
    expect(forecastUsage({ current: 1_000, limit: 100_000, now: at("2026-02-15T00:00:00Z") }).limitReachedOn).toBeNull();
    expect(forecastUsage({ current: 0, limit: 100_000, now: at("2026-02-15T00:00:00Z") }).limitReachedOn).toBeNull();
  });

  it("gives today when the limit is already reached, and the last day when it is crossed in the month's final hours", () => {
    expect(forecastUsage({ current: 100_000, limit: 100_000, now: at("2026-02-15T08:00:00Z") }).limitReachedOn).toBe("2026-02-15");
    expect(forecastUsage({ current: 120_000, limit: 100_000, now: at("2026-02-15T08:00:00Z") }).limitReachedOn).toBe("2026-02-15");
    // February 2026 has 28 days; 27 days gone at 1,000 a day: 1,000 short crosses on the 28th.
    expect(forecastUsage({ current: 27_000, limit: 27_999, now: at("2026-02-28T00:00:00Z") }).limitReachedOn).toBe("2026-02-28");
    expect(forecastUsage({ current: 27_000, limit: 28_001, now: at("2026-02-28T00:00:00Z") }).limitReachedOn).toBeNull();
  });

  it("treats a limit of 0 as already reached and an unlimited plan as never", () => {
    expect(forecastUsage({ current: 0, limit: 0, now: at("2026-03-05T00:00:00Z") }).limitReachedOn).toBe("2026-03-05");
    expect(forecastUsage({ current: 9e9, limit: null, now: at("2026-03-05T00:00:00Z") }).limitReachedOn).toBeNull();
  });

  it("uses the UTC month whatever the server's time zone (leap February, 31-day months)", () => {
    expect(forecastUsage({ current: 29, limit: null, now: at("2028-02-29T23:00:00Z") })).toMatchObject({ period: "2028-02", daysInMonth: 29 });
    expect(forecastUsage({ current: 0, limit: null, now: at("2026-12-31T23:59:59Z") })).toMatchObject({ period: "2026-12", daysInMonth: 31 });
  });
});
