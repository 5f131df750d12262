/**
 * A metered metric over time: month by month (past months as the hourly flush last wrote them to
 * `UsageRecord`, this month live from its counter) and day by day this month (the counter's daily
 * hash). Reads only; every number is whole units of the metric, every period a UTC month.
 */
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { dailyKey, type MeteredMetric } from "~/server/usage/keys";
import { meteredUsage, type UsageLine } from "~/server/usage/read-usage";
import { dayOf, monthOf, previousMonth } from "~/server/usage/periods";

export interface MonthUsage {
  period: string;
  current: number;
}

export interface DailyUsage {
  period: string;
  /** Day 1 to today, "YYYY-MM-DD" (UTC), 0 when nothing was recorded that day. */
  days: { date: string; amount: number }[];
  /**
   * Usage in the month's total that no day holds: a counter seeded from the last flush after
   * Redis lost its keys, or set by hand. Counted from the start of the month.
   */
  unattributed: number;
}

/** This month's line of a metered metric, as `GET /api/billing/usage` shows it. */
export const meteredLine = (organizationId: string, metric: MeteredMetric, now = new Date()): Promise<UsageLine> =>
  meteredUsage(organizationId, metric, now);

/** The last `months` months, oldest first, ending with this one; a month without a record is 0. */
export async function usageHistory(organizationId: string, metric: MeteredMetric, months: number, now = new Date()): Promise<MonthUsage[]> {
  const periods = [monthOf(now)];
  while (periods.length < months) periods.unshift(previousMonth(periods[0]!));
  const [records, line] = await Promise.all([
    db.usageRecord.findMany({ where: { organizationId, metric, period: { in: periods.slice(0, -1) } }, select: { period: true, quantity: true } }),
    meteredLine(organizationId, metric, now),
  ]);
  const flushed = new Map(records.map((r) => [r.period, Number(r.quantity)]));
  return periods.map((period, i) => ({ period, current: i === periods.length - 1 ? line.current : (flushed.get(period) ?? 0) }));
}

/** This month's usage per UTC day, up to today. */
export async function dailyUsage(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<DailyUsage> {
  const period = monthOf(now);
  const [perDay, line] = await Promise.all([kv.hgetall(dailyKey(organizationId, metric, period)), meteredLine(organizationId, metric, now)]);
  const days = Array.from({ length: Number(dayOf(now)) }, (_, i) => {
    const day = String(i + 1).padStart(2, "0");
    return { date: `${period}-${day}`, amount: Number(perDay[day] ?? 0) };
  });
  const attributed = days.reduce((sum, d) => sum + d.amount, 0);
  return { period, days, unattributed: Math.max(0, line.current - attributed) };
}
