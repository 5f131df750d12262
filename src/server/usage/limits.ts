/**
 * The limit in force for a metered metric: the plan's (from the entitlements) plus the unexpired
 * usage credits granted for it this month, or the owner's monthly budget when that is lower.
 * Computed from PostgreSQL, then cached in Redis for a minute so the hot path reads it in the
 * same round trip as the counter; the sync drops the cache when a subscription changes, and
 * setting or clearing a budget does too, so a new limit applies at the next request.
 */
import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { limitKey, METERED_METRICS, type MeteredMetric } from "~/server/usage/keys";
import { monthOf } from "~/server/usage/periods";
import type { LimitType } from "~/server/usage/quota";

export const LIMIT_CACHE_SECONDS = 60;

/** Extra quota of `metric` granted for `period` (or for any period) and not expired at `now`. */
export async function creditsFor(organizationId: string, metric: string, period: string, now = new Date()) {
  const granted = await db.billingCredit.aggregate({
    where: {
      organizationId,
      metric,
      quantity: { not: null },
      OR: [{ period }, { period: null }],
      AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
    },
    _sum: { quantity: true },
  });
  return Number(granted._sum.quantity ?? 0n);
}

/** The plan's limit of `metric` for the org now, with its credits: null when unlimited. */
export async function planLimitInForce(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<number | null> {
  const [{ limits }, credits] = await Promise.all([getEntitlements(organizationId, now), creditsFor(organizationId, metric, monthOf(now), now)]);
  const plan = limits[metric];
  return plan === null ? null : plan + credits;
}

/** The owner's monthly budget of `metric` (null: none). */
export async function budgetLimit(organizationId: string, metric: string): Promise<number | null> {
  const row = await db.usageBudget.findUnique({ where: { organizationId_metric: { organizationId, metric } }, select: { limit: true } });
  return row ? Number(row.limit) : null;
}

/** The limit in force given the plan's (null: unlimited) and the budget (null: none): the lower. */
export const withBudget = (plan: number | null, budget: number | null) => (budget === null ? plan : plan === null ? budget : Math.min(plan, budget));

/** The limit of `metric` for the org now (the lower of the plan's and the budget; null: unlimited) and which one it is. */
export async function limitAndType(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<{ limit: number | null; limitType: LimitType }> {
  const [plan, budget] = await Promise.all([planLimitInForce(organizationId, metric, now), budgetLimit(organizationId, metric)]);
  const limit = withBudget(plan, budget);
  return { limit, limitType: budget !== null && limit === budget ? "budget" : "plan" };
}

export async function limitInForce(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<number | null> {
  return (await limitAndType(organizationId, metric, now)).limit;
}

/**
 * The limit as the meter script reads it, given or cached: "-1" unlimited, a budget suffixed "b",
 * so the script's reply says which limit it enforced and a 402 names it with no database read.
 */
export const encodeLimit = ({ limit, limitType }: { limit: number | null; limitType: LimitType }) =>
  limit === null ? "-1" : `${limit}${limitType === "budget" ? "b" : ""}`;
export function decodeLimit(value: string): { limit: number; limitType: LimitType } {
  const budget = value.endsWith("b");
  return { limit: Number(budget ? value.slice(0, -1) : value), limitType: budget ? "budget" : "plan" };
}

/** Computes and caches the limit, encoded for the meter script. */
export async function cacheLimit(organizationId: string, metric: MeteredMetric, now = new Date()) {
  const value = encodeLimit(await limitAndType(organizationId, metric, now));
  // The limit is passed to the script either way; a cache that cannot be written is only slower.
  await kv.set(limitKey(organizationId, metric, monthOf(now)), value, LIMIT_CACHE_SECONDS).catch(() => undefined);
  return value;
}

/** Drops the cached limits of the org (a plan or credit changed); failures are the cache's TTL's to fix. */
export async function forgetLimits(organizationId: string, now = new Date()) {
  await Promise.all(METERED_METRICS.map((metric) => kv.del(limitKey(organizationId, metric, monthOf(now))))).catch(() => undefined);
}
