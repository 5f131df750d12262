import { getEntitlements } from "~/server/billing/entitlements";
import type { Metric } from "~/server/billing/plans";
import { AppError } from "~/server/errors";

/** Where a blocked user goes to raise a limit (the guide's path; it redirects into the dashboard). */
export const UPGRADE_URL = "/billing/upgrade";

const MESSAGES: Record<Metric, (limit: number) => string> = {
  gemini_tokens: () =>
    "Your organization has reached its monthly token quota. Upgrade now to continue running automations without interruption.",
  projects: (limit) => `Your organization has reached its plan's limit of ${limit} projects. Upgrade now to create more.`,
  team_members: (limit) => `Your organization has reached its plan's limit of ${limit} team members. Upgrade now to add more.`,
};

/** The guide's HTTP 402: `{error: "Quota exceeded", message, quota: {metric, current, limit, percentage}, upgradeUrl}`. */
export function quotaExceeded(metric: Metric, current: number, limit: number) {
  return new AppError("PAYMENT_REQUIRED", MESSAGES[metric](limit), {
    title: "Quota exceeded",
    details: { quota: { metric, current, limit, percentage: Math.round((current / limit) * 10_000) / 100 }, upgradeUrl: UPGRADE_URL },
  });
}

/**
 * Refuses with 402 when `adding` more of `metric` would pass the limit the org is entitled to now
 * (its plan's, per `getEntitlements`; null = unlimited).
 */
export async function requireWithinLimit(organizationId: string, metric: Metric, current: number, adding = 1) {
  const { limits } = await getEntitlements(organizationId);
  const limit = limits[metric];
  if (limit !== null && current + adding > limit) throw quotaExceeded(metric, current, limit);
}
