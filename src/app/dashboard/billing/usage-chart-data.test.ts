import { describe, expect, it } from "vitest";
import { chartAxis, usageChartAxes, usageChartPoints } from "./usage-chart-data";

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

describe("chartAxis", () => {
  it("tops the axis at the first tick of 1, 2 or 5 times a power of ten at or above the largest value", () => {
    expect(chartAxis([4_100, null, 900])).toEqual({ max: 6_000, ticks: [0, 2_000, 4_000, 6_000] });
    expect(chartAxis([100_000])).toEqual({ max: 100_000, ticks: [0, 50_000, 100_000] });
    expect(chartAxis([3])).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(chartAxis([18_001])).toEqual({ max: 20_000, ticks: [0, 5_000, 10_000, 15_000, 20_000] });
  });

  it("keeps a scale of whole units for an empty month", () => {
    expect(chartAxis([null, 0])).toEqual({ max: 1, ticks: [0, 1] });
    expect(chartAxis([])).toEqual({ max: 1, ticks: [0, 1] });
  });
});

describe("usageChartAxes", () => {
  it("puts the bars on their own axis and keeps the limit in view on the totals' axis", () => {
    const points = [
      { day: 1, daily: 700, total: 700, forecast: null },
      { day: 2, daily: 300, total: 1_000, forecast: 1_000 },
      { day: 3, daily: null, total: null, forecast: 1_500 },
    ];
    expect(usageChartAxes(points, 100_000)).toEqual({
      daily: { max: 800, ticks: [0, 200, 400, 600, 800] },
      total: { max: 100_000, ticks: [0, 50_000, 100_000] },
    });
    expect(usageChartAxes(points, null).total).toEqual({ max: 1_500, ticks: [0, 500, 1_000, 1_500] });
  });
});
