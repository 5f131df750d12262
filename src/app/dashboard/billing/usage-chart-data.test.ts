import { describe, expect, it } from "vitest";
import { usageChartPoints } from "./usage-chart-data";

describe("usageChartPoints", () => {
  it("runs the actual total through today and the forecast from today's total to the projection, one point per day", () => {
    const points = usageChartPoints(
      {
        days: [
          { date: "2026-11-01", amount: 1_000 },
          { date: "2026-11-02", amount: 0 },
          { date: "2026-11-03", amount: 500 },
        ],
        unattributed: 0,
      },
      { current: 1_500, pacePerDay: 600, elapsedDays: 2.5, daysInMonth: 30 },
    );
    expect(points).toHaveLength(30);
    expect(points.slice(0, 4)).toEqual([
      { day: 1, daily: 1_000, total: 1_000, forecast: null },
      { day: 2, daily: 0, total: 1_000, forecast: null },
      { day: 3, daily: 500, total: 1_500, forecast: 1_500 },
      { day: 4, daily: null, total: null, forecast: 1_500 + 600 * 1.5 },
    ]);
    expect(points.at(-1)).toEqual({ day: 30, daily: null, total: null, forecast: 18_000 });
  });

  it("counts usage that no day holds from the start of the month, so the line ends at the month's total", () => {
    const points = usageChartPoints(
      { days: [{ date: "2026-11-01", amount: 100 }, { date: "2026-11-02", amount: 0 }], unattributed: 4_000 },
      { current: 4_100, pacePerDay: 2_050, elapsedDays: 2, daysInMonth: 30 },
    );
    expect(points.slice(0, 2).map((p) => p.total)).toEqual([4_100, 4_100]);
    expect(points[1]!.forecast).toBe(4_100);
  });
});
