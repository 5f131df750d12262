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
