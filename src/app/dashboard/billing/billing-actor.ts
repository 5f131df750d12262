import "server-only";

import { after } from "next/server";
import type { Flash } from "~/components/flash-toast";
import { sendEnqueuedNotifications } from "~/server/notifications/after-response";
import { BILLING_ROLES } from "~/server/orgs/memberships";
import { api } from "~/trpc/server";
import { requireActiveOrg } from "../dashboard-context";

/** The active org for a billing page, and whether the caller may change its billing. */
export async function billingPageContext() {
  const { active } = await requireActiveOrg();
  return { orgId: active.organization.id, orgName: active.organization.name, canManage: BILLING_ROLES.includes(active.role) };
}

/**
 * The return from a Checkout Session: syncs from Stripe at once (not waiting for the webhook)
 * and says how it went as a one-time toast.
 */
export async function returnFromCheckout(orgId: string, sessionId: string, done: string): Promise<Flash> {
  try {
    await (await api()).billing.completeCheckout({ orgId, sessionId });
    // The sync may have enqueued emails (trial started, a receipt): sent after this page renders.
    after(sendEnqueuedNotifications);
    return { tone: "success", message: done };
  } catch {
    return { tone: "error", message: "We could not confirm that with Stripe yet. It will appear here within a minute." };
  }
}
