/**
 * What an org has used this month against its limits, per metric, in the guide's shape:
 * `{metric, current, limit, percentage, unlimited}`. Metered metrics come from their Redis
 * counter (the last flush when Redis no longer has it); projects and team members are counted
 * from their rows. A limit is the one in force: an owner's monthly budget when it is lower.
 */
import { getEntitlements } from "~/server/billing/entitlements";
import { METRICS, type Metric } from "~/server/billing/plans";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { flushedUsage } from "~/server/usage/fallback";
import { usageKey, type MeteredMetric } from "~/server/usage/keys";
import { seatsInUse } from "~/server/orgs/seats";
import { budgetLimit, creditsFor, limitInForce, withBudget } from "~/server/usage/limits";
import { monthOf } from "~/server/usage/periods";
import { percentageOf } from "~/server/usage/quota";

export interface UsageLine {
  metric: Metric;
  current: number;
  limit: number | null;
  percentage: number;
  unlimited: boolean;
}

async function meteredNow(organizationId: string, metric: string, period: string) {
  const value = await kv.get(usageKey(organizationId, metric, period));
  return value === null ? flushedUsage(organizationId, metric, period) : Number(value);
}

const lineOf = (metric: Metric, current: number, limit: number | null): UsageLine => ({
  metric,
  current,
  limit,
  percentage: limit === null ? 0 : percentageOf(current, limit),
  unlimited: limit === null,
});

/** One metered metric's line only: its counter and its limit, without counting the other metrics' rows. */
export async function meteredUsage(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<UsageLine> {
  const [current, limit] = await Promise.all([meteredNow(organizationId, metric, monthOf(now)), limitInForce(organizationId, metric, now)]);
  return lineOf(metric, current, limit);
}

export async function currentUsage(organizationId: string, now = new Date()): Promise<UsageLine[]> {
  const period = monthOf(now);
  const [{ limits }, tokens, credits, tokenBudget, projects, members] = await Promise.all([
    getEntitlements(organizationId, now),
    meteredNow(organizationId, "gemini_tokens", period),
    creditsFor(organizationId, "gemini_tokens", period, now),
    budgetLimit(organizationId, "gemini_tokens"),
    db.project.count({ where: { organizationId } }),
    seatsInUse(db, organizationId, now),
  ]);
  const current: Record<Metric, number> = { gemini_tokens: tokens, projects, team_members: members };
  return METRICS.map((metric) => {
    const plan = limits[metric];
    if (metric !== "gemini_tokens") return lineOf(metric, current[metric], plan);
    return lineOf(metric, current[metric], withBudget(plan === null ? null : plan + credits, tokenBudget));
  });
}
