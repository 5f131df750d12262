/**
 * Monthly budgets: an owner caps a monthly metric below the plan's limit. The meter enforces the
 * lower of the two (limits.ts), refuses with the 402 naming the budget, and alerts at 80 % and
 * 100 % of it. A budget must be a positive integer below the plan's limit in force (with credits),
 * when the plan has one. Setting or clearing it drops the org's cached limits (limits.ts: a
 * computation in flight cannot write the old one back), so it applies at the next request; if
 * the cache cannot be dropped the change is saved but the call fails (503) rather than claim it
 * applies, and repeating it is harmless. A change also records the alerts the new limit's
 * thresholds already reached (usage at 90 % of a new budget alerts at 80 % once, now: no later
 * call would cross it). Everyone in the org may read the budgets; only owners change them.
 */
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { requireRole, type Actor } from "~/server/orgs/memberships";
import { logger } from "~/server/logger";
import { recordCrossings } from "~/server/usage/alerts";
import { forgetLimits, limitAndType, planLimitInForce } from "~/server/usage/limits";
import { monthOf } from "~/server/usage/periods";
import { MONTHLY_METRICS } from "~/server/usage/quota";
import { meteredUsage } from "~/server/usage/read-usage";

export const BUDGET_METRICS = MONTHLY_METRICS;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

export interface BudgetLine {
  metric: BudgetMetric;
  /** null: no budget. */
  budget: number | null;
  /** The plan's limit in force (null: unlimited), which a budget must stay below. */
  planLimit: number | null;
  updatedAt: Date | null;
}

/** Every budgetable metric of the org, with its budget (if any) and the plan's limit, and whether the actor may change them. */
export async function budgetsOf(actor: Actor, now = new Date()): Promise<{ canSet: boolean; budgets: BudgetLine[] }> {
  const rows = await db.usageBudget.findMany({ where: { organizationId: actor.organizationId }, select: { metric: true, limit: true, updatedAt: true } });
  const budgets = await Promise.all(
    BUDGET_METRICS.map(async (metric) => {
      const row = rows.find((r) => r.metric === metric);
      return { metric, budget: row ? Number(row.limit) : null, planLimit: await planLimitInForce(actor.organizationId, metric, now), updatedAt: row?.updatedAt ?? null };
    }),
  );
  return { canSet: actor.role === "OWNER", budgets };
}

export async function setBudget(actor: Actor, metric: BudgetMetric, limit: number, now = new Date()) {
  requireRole(actor, ["OWNER"]);
  if (!Number.isSafeInteger(limit) || limit <= 0) throw budgetError("A budget is a positive whole number.");
  const planLimit = await planLimitInForce(actor.organizationId, metric, now);
  if (planLimit !== null && limit >= planLimit) {
    throw budgetError(`A budget must be below the plan's limit of ${planLimit.toLocaleString("en-US")}.`, { planLimit });
  }
  await db.usageBudget.upsert({
    where: { organizationId_metric: { organizationId: actor.organizationId, metric } },
    create: { organizationId: actor.organizationId, metric, limit: BigInt(limit), setBy: actor.userId },
    update: { limit: BigInt(limit), setBy: actor.userId },
  });
  await applyBudgetChange(actor.organizationId, metric, now);
  return { metric, budget: limit, planLimit };
}

/** Removes the budget (none is fine: clearing twice is the same as once). */
export async function clearBudget(actor: Actor, metric: BudgetMetric, now = new Date()) {
  requireRole(actor, ["OWNER"]);
  await db.usageBudget.deleteMany({ where: { organizationId: actor.organizationId, metric } });
  await applyBudgetChange(actor.organizationId, metric, now);
}

/** After a budget's row changed: the cache dropped (or a 503), then the thresholds the new limit's usage already reached recorded. */
async function applyBudgetChange(organizationId: string, metric: BudgetMetric, now: Date) {
  try {
    await forgetLimits(organizationId, now, { strict: true });
  } catch (error) {
    logger.error("usage: a budget change was saved but the cached limits could not be dropped", { organizationId, metric, error });
    throw new AppError("UNAVAILABLE", "The budget was saved but could not be applied yet. Please retry in a moment.");
  }
  // Never fails the change (recordCrossings logs its own failures); a usage read that fails only skips it.
  try {
    const [{ limit, limitType }, usage] = await Promise.all([limitAndType(organizationId, metric, now), meteredUsage(organizationId, metric, now)]);
    await recordCrossings(organizationId, metric, monthOf(now), { before: 0, after: usage.current, limit, limitType });
  } catch (error) {
    logger.warn("usage: could not check the thresholds a new budget already reached", { organizationId, metric, error });
  }
}

const budgetError = (message: string, details: Record<string, unknown> = {}) =>
  new AppError("BAD_REQUEST", message, { fieldErrors: { limit: [message] }, details: { ...details } });
