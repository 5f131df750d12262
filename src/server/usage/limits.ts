/**
 * The limit in force for a metered metric: the plan's (from the entitlements) plus the unexpired
 * usage credits granted for it this month. Computed from PostgreSQL, then cached in Redis for a
 * minute so the hot path reads it in the same round trip as the counter; the sync drops the cache
 * when a subscription changes, so a new plan applies at the next request.
 */
import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { limitKey, METERED_METRICS, type MeteredMetric } from "~/server/usage/keys";
import { monthOf } from "~/server/usage/periods";

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

/** The limit of `metric` for the org now: null when unlimited. */
export async function limitInForce(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<number | null> {
  const [{ limits }, credits] = await Promise.all([getEntitlements(organizationId, now), creditsFor(organizationId, metric, monthOf(now), now)]);
  const plan = limits[metric];
  return plan === null ? null : plan + credits;
}

/** Computes and caches the limit (-1 = unlimited, as the meter script reads it). */
export async function cacheLimit(organizationId: string, metric: MeteredMetric, now = new Date()) {
  const limit = await limitInForce(organizationId, metric, now);
  const value = String(limit ?? -1);
  // The limit is passed to the script either way; a cache that cannot be written is only slower.
  await kv.set(limitKey(organizationId, metric, monthOf(now)), value, LIMIT_CACHE_SECONDS).catch(() => undefined);
  return value;
}

/** Drops the cached limits of the org (a plan or credit changed); failures are the cache's TTL's to fix. */
export async function forgetLimits(organizationId: string, now = new Date()) {
  await Promise.all(METERED_METRICS.map((metric) => kv.del(limitKey(organizationId, metric, monthOf(now))))).catch(() => undefined);
}
