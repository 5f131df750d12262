/**
 * The one usage key format (the guide's): `usage:org:{orgId}:metric:{metric}:{YYYY-MM}` holds the
 * month's total as a plain integer, so `redis-cli SET` of it takes effect at once. Beside it,
 * `…:daily` is a hash of the month's usage per UTC day ("DD" → amount), written in the same
 * atomic step. `usage:org:{orgId}:limitv2:{metric}:{YYYY-MM}` caches the limit in force, encoded
 * for the meter script (a budget carries a "b" suffix). The name is not the older `…:limit:…`,
 * which held a bare number: during a rolling deploy an older instance's script reads only that
 * one (tonumber("500b") would be nil there and fail its call), so the two never share a key.
 * `usage:org:{orgId}:limitgen` counts the org's limit changes (limits.ts: a computed limit is
 * cached only if no change happened while it was computed).
 */
import type { Metric } from "~/server/billing/plans";

/** Longer than a month plus the flush that copies it to PostgreSQL; a write never shortens it. */
export const USAGE_TTL_SECONDS = 45 * 86_400;

export const usageKey = (organizationId: string, metric: string, period: string) => `usage:org:${organizationId}:metric:${metric}:${period}`;
export const dailyKey = (organizationId: string, metric: string, period: string) => `${usageKey(organizationId, metric, period)}:daily`;
export const limitKey = (organizationId: string, metric: string, period: string) => `usage:org:${organizationId}:limitv2:${metric}:${period}`;
/** The plain-number cache older instances read and write; only ever deleted by this code (a limit change). */
export const legacyLimitKey = (organizationId: string, metric: string, period: string) => `usage:org:${organizationId}:limit:${metric}:${period}`;
export const limitGenerationKey = (organizationId: string) => `usage:org:${organizationId}:limitgen`;
/**
 * Marks one metering call as applied. A call that timed out may still be applied by Redis later;
 * its fallback row carries the same id, so the replay then finds the mark and adds nothing.
 */
export const opKey = (opId: string) => `usage:op:${opId}`;
/** How long an applied call's mark lives: longer than from Redis answering again to the next replay (hourly). */
export const OP_MARK_TTL_SECONDS = 6 * 3600;

/** SCAN pattern of the monthly counters only (not their daily hashes or limits). */
export const USAGE_COUNTER_PATTERN = "usage:org:*:metric:*:[0-9][0-9][0-9][0-9]-[0-9][0-9]";

const COUNTER = /^usage:org:([^:]+):metric:([^:]+):(\d{4}-\d{2})$/;

export function parseUsageKey(key: string): { organizationId: string; metric: string; period: string } | null {
  const match = COUNTER.exec(key);
  return match ? { organizationId: match[1]!, metric: match[2]!, period: match[3]! } : null;
}

/** Metrics counted in Redis per month; projects and team members are counted from their rows. */
export const METERED_METRICS = ["gemini_tokens"] as const satisfies readonly Metric[];
export type MeteredMetric = (typeof METERED_METRICS)[number];
