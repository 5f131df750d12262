/**
 * The guide's HTTP 402, one builder for every limit: `{"error":"Quota exceeded", "message",
 * "quota":{metric, current, limit, percentage, limitType}, "upgradeUrl":"/billing/upgrade"}`, plus,
 * for a monthly metric, `resetsAt` (the next UTC month) and a `Retry-After` header. `limitType`
 * (beyond the guide, which clients may ignore) says which limit was hit: the plan's, or the
 * owner's monthly budget (then the message names the budget, and `budgetUrl` says where an owner
 * raises or clears it; `upgradeUrl` stays, as the contract has it). Route handlers get it through
 * jsonRoute; tRPC callers get it in `error.data.quota`.
 */
import { getEntitlements } from "~/server/billing/entitlements";
import type { Metric } from "~/server/billing/plans";
import { AppError } from "~/server/errors";
import { nextMonthStart } from "~/server/usage/periods";

/** Where a blocked user goes to raise a limit (the guide's path; it redirects into the dashboard). */
export const UPGRADE_URL = "/billing/upgrade";
/** Where an owner raises or clears a monthly budget. */
export const BUDGET_URL = "/dashboard/billing";

const MESSAGES: Record<Metric, (limit: number) => string> = {
  gemini_tokens: () =>
    "Your organization has reached its monthly token quota. Upgrade now to continue running automations without interruption.",
  projects: (limit) => `Your organization has reached its plan's limit of ${limit} projects. Upgrade now to create more.`,
  team_members: (limit) => `Your organization has reached its plan's limit of ${limit} team members. Upgrade now to add more.`,
};
/** Metrics whose quota starts again each UTC month (the ones an owner may also cap with a budget). */
export const MONTHLY_METRICS = ["gemini_tokens"] as const satisfies readonly Metric[];
const MONTHLY: readonly Metric[] = MONTHLY_METRICS;

/** Which limit refused: the plan's (with its credits), or the owner's monthly budget below it. */
export type LimitType = "plan" | "budget";

/** What a metric counts, in words (messages and emails). */
export const METRIC_UNITS: Record<Metric, string> = { gemini_tokens: "Gemini tokens", projects: "projects", team_members: "team members" };

const budgetMessage = (metric: Metric, limit: number) =>
  `Your organization has reached its monthly budget of ${limit.toLocaleString("en-US")} ${METRIC_UNITS[metric]}, set by an owner. An owner can raise or clear the budget on the billing page.`;

export const percentageOf = (current: number, limit: number) => (limit > 0 ? Math.round((current / limit) * 10_000) / 100 : 100);

export function quotaExceeded(metric: Metric, current: number, limit: number, now = new Date(), limitType: LimitType = "plan") {
  const resetsAt = MONTHLY.includes(metric) ? nextMonthStart(now) : null;
  const message = limitType === "budget" ? budgetMessage(metric, limit) : MESSAGES[metric](limit);
  return new AppError("PAYMENT_REQUIRED", message, {
    title: "Quota exceeded",
    contractBody: true,
    details: {
      quota: { metric, current, limit, percentage: percentageOf(current, limit), limitType },
      upgradeUrl: UPGRADE_URL,
      ...(limitType === "budget" ? { budgetUrl: BUDGET_URL } : {}),
      ...(resetsAt ? { resetsAt: resetsAt.toISOString() } : {}),
    },
    headers: resetsAt ? { "Retry-After": String(Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000))) } : {},
  });
}

/** Refuses with 402 when `adding` more of `metric` would pass `limit` (null = unlimited). */
export function requireBelow(limit: number | null, metric: Metric, current: number, adding = 1) {
  if (limit !== null && current + adding > limit) throw quotaExceeded(metric, current, limit);
}

/**
 * Refuses with 402 when `adding` more of `metric` would pass the limit the org is entitled to now
 * (its plan's, per `getEntitlements`; null = unlimited). For counts kept in PostgreSQL rows. It
 * reads through the app's pool: inside a transaction, read the limits before it and use
 * `requireBelow`, or the transaction holds one connection while waiting for a second.
 */
export async function requireWithinLimit(organizationId: string, metric: Metric, current: number, adding = 1) {
  const { limits } = await getEntitlements(organizationId);
  requireBelow(limits[metric], metric, current, adding);
}
