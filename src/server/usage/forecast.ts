/**
 * Where a metered metric is heading this UTC month, at the pace so far: pace = usage so far /
 * elapsed time of the month (in days, to the millisecond), projected = pace × days in the month,
 * and the UTC date on which the running total reaches the limit. Pure, so the page, the router
 * and their tests read the same numbers.
 */
import { daysInMonth, monthOf, nextMonthStart } from "~/server/usage/periods";

const DAY_MS = 86_400_000;

export interface Forecast {
  period: string;
  daysInMonth: number;
  /** Days of the month gone, never under 1: minutes into the 1st would turn one call into a month's pace. */
  elapsedDays: number;
  pacePerDay: number;
  /** Usage at the end of the month if the pace holds (whole units). */
  projected: number;
  /** "YYYY-MM-DD" (UTC) when the total reaches the limit: today if it already has; null when unlimited or not this month. */
  limitReachedOn: string | null;
}

export function forecastUsage({ current, limit, now }: { current: number; limit: number | null; now: Date }): Forecast {
  const period = monthOf(now);
  const days = daysInMonth(period);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const elapsedDays = Math.max(1, (now.getTime() - monthStart) / DAY_MS);
  const pacePerDay = current / elapsedDays;
  return { period, daysInMonth: days, elapsedDays, pacePerDay, projected: Math.round(pacePerDay * days), limitReachedOn: reachedOn(current, limit, pacePerDay, now) };
}

function reachedOn(current: number, limit: number | null, pacePerDay: number, now: Date) {
  if (limit === null) return null;
  if (current >= limit) return now.toISOString().slice(0, 10);
  if (pacePerDay <= 0) return null;
  const crossing = now.getTime() + ((limit - current) / pacePerDay) * DAY_MS;
  return crossing < nextMonthStart(now).getTime() ? new Date(crossing).toISOString().slice(0, 10) : null;
}
