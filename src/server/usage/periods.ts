/**
 * Usage periods are UTC calendar months, "YYYY-MM", whatever the server's TZ: toISOString is
 * always UTC. A day within a month is "DD".
 */
export const monthOf = (at: Date) => at.toISOString().slice(0, 7);
export const dayOf = (at: Date) => at.toISOString().slice(8, 10);

/** The first instant of the month after `at`'s (UTC): when a monthly quota resets. */
export const nextMonthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));

/** The month before `period` ("2026-01" → "2025-12"). */
export function previousMonth(period: string) {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return monthOf(new Date(Date.UTC(year, month - 2, 1)));
}

/** Days in `period`'s month. */
export function daysInMonth(period: string) {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
