/**
 * The points of the billing page's usage chart, one per day of the UTC month: the day's usage,
 * the month's running total through today, and from today on the forecast at the pace so far
 * (today's total at today, the projection at the month's last day), so the two lines meet.
 */
export interface UsageChartPoint {
  day: number;
  daily: number | null;
  total: number | null;
  forecast: number | null;
}

export function usageChartPoints(
  daily: { days: { date: string; amount: number }[]; unattributed: number },
  forecast: { current: number; pacePerDay: number; elapsedDays: number; daysInMonth: number },
): UsageChartPoint[] {
  const today = daily.days.length;
  let running = daily.unattributed;
  return Array.from({ length: forecast.daysInMonth }, (_, i) => {
    const day = i + 1;
    const amount = daily.days[i]?.amount ?? null;
    if (amount !== null) running += amount;
    return {
      day,
      daily: amount,
      total: day <= today ? running : null,
      forecast: day < today ? null : day === today ? forecast.current : Math.round(forecast.current + forecast.pacePerDay * (day - forecast.elapsedDays)),
    };
  });
}

/** An axis from 0 to `max` with a label at each tick (0, step, 2·step… max). */
export interface ChartAxis {
  max: number;
  ticks: number[];
}

/** The step of at most ~4 intervals up to `value`: 1, 2 or 5 times a power of ten, never below 1 (usage is counted in whole units). */
function niceStep(value: number) {
  const rough = value / 4;
  if (rough <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** An axis whose top is the first tick at or above every value (at least one step, so an empty month still has a scale). */
export function chartAxis(values: (number | null)[]): ChartAxis {
  const top = Math.max(0, ...values.filter((v): v is number => v !== null));
  const step = niceStep(top);
  const max = Math.max(step, Math.ceil(top / step) * step);
  return { max, ticks: Array.from({ length: max / step + 1 }, (_, i) => i * step) };
}

/** The chart's two axes: per-day bars on the left, running total, forecast and limit on the right (the limit always in view). */
export function usageChartAxes(points: UsageChartPoint[], limit: number | null) {
  return {
    daily: chartAxis(points.map((p) => p.daily)),
    total: chartAxis([...points.flatMap((p) => [p.total, p.forecast]), limit]),
  };
}
