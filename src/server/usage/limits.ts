/**
 * The limit in force for a metered metric: the plan's (from the entitlements) plus the unexpired
 * usage credits granted for it this month, or the owner's monthly budget when that is lower.
 * Computed from PostgreSQL, then cached in Redis for a minute so the hot path reads it in the
 * same round trip as the counter; the sync drops the cache when a subscription changes, and
 * setting or clearing a budget does too, so a new limit applies at the next request.
 * Why a drop cannot be undone by a computation already in flight: `forgetLimits` bumps the org's
 * generation before deleting, and `cacheLimit` writes only if the generation is still the one it
 * read before reading PostgreSQL (compare-and-set in one script). A computation that read the old
 * rows either wrote before the bump (then the delete removes it) or finds the generation moved.
 */
import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import type { StoreScript } from "~/server/clients/key-value-store";
import { logger } from "~/server/logger";
import { legacyLimitKey, limitGenerationKey, limitKey, METERED_METRICS, USAGE_TTL_SECONDS, type MeteredMetric } from "~/server/usage/keys";
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

/**
 * KEYS 1 the org's generation, 2 the limit cache; ARGV 1 the generation read before computing
 * ("" when it had none), 2 the value, 3 its TTL. Writes only when the generation did not move.
 */
const CACHE_IF_CURRENT: StoreScript = {
  lua: `
local gen = redis.call('GET', KEYS[1]) or ''
if gen ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1`,
  local(ops, keys, args) {
    const [generation, cache] = keys as [string, string];
    const [expected, value, ttl] = args as [string, string, string];
    if ((ops.get(generation) ?? "") !== expected) return 0;
    ops.set(cache, value);
    ops.expire(cache, Number(ttl));
    return 1;
  },
};

/** The org's limit generation now ("" when none): read before computing a limit to cache. */
export const limitGeneration = async (organizationId: string) => (await kv.get(limitGenerationKey(organizationId))) ?? "";

/** Caches `value` unless the org's limits changed since `generation` was read; true when written. */
export async function cacheLimitIfCurrent(organizationId: string, metric: MeteredMetric, period: string, value: string, generation: string) {
  const keys = [limitGenerationKey(organizationId), limitKey(organizationId, metric, period)];
  return Number(await kv.run(CACHE_IF_CURRENT, keys, [generation, value, String(LIMIT_CACHE_SECONDS)])) === 1;
}

/** Computations of one limit while its generation keeps moving (changes every few ms would be a bug elsewhere). */
const CACHE_ATTEMPTS = 3;

/** Computes and caches the limit, encoded for the meter script. */
export async function cacheLimit(organizationId: string, metric: MeteredMetric, now = new Date()) {
  // The limit is passed to the script either way; a cache that cannot be read or written is only slower.
  // A generation that moved while computing means the rows read may be older than a change that
  // already returned: computed again (callers sharing this computation then get the new limit too).
  for (let attempt = 1; ; attempt++) {
    const generation = await limitGeneration(organizationId).catch(() => null);
    const value = encodeLimit(await limitAndType(organizationId, metric, now));
    if (generation === null) return value;
    const written = await cacheLimitIfCurrent(organizationId, metric, monthOf(now), value, generation).catch(() => null);
    if (written !== false || attempt === CACHE_ATTEMPTS) return value;
  }
}

/**
 * Drops the cached limits of the org (a plan, credit or budget changed): bumps the generation
 * first, so a computation in flight cannot write back what it read before the change. Also drops
 * the older instances' plain-number cache (keys.ts), so a plan change reaches them during a
 * rolling deploy. With `strict` a failure is thrown (the caller promised "the next request");
 * otherwise it is logged and the cache's TTL (a minute) ends the stale value.
 */
export async function forgetLimits(organizationId: string, now = new Date(), opts: { strict?: boolean } = {}) {
  const period = monthOf(now);
  try {
    await kv.incrWithTtl(limitGenerationKey(organizationId), 1, USAGE_TTL_SECONDS);
    const keys = METERED_METRICS.flatMap((metric) => [limitKey(organizationId, metric, period), legacyLimitKey(organizationId, metric, period)]);
    await Promise.all(keys.map((key) => kv.del(key)));
  } catch (error) {
    if (opts.strict) throw error;
    logger.warn("usage: could not drop the cached limits; they expire within a minute", { organizationId, error });
  }
}
