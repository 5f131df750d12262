/**
 * Who gets an org's emails: its owners and admins (members get none), read inside the caller's
 * transaction so the list is the one the state change saw. Usage alerts skip users who opted out;
 * payment failures (and failed webhooks or jobs) also go to BILLING_ADMIN_EMAILS.
 */
import { env } from "~/env";
import type { Prisma } from "~/generated/prisma/client";

export type RecipientAudience = "billing" | "usage_alert" | "payment_failure";

export interface Recipient {
  email: string;
  /** null for a BILLING_ADMIN_EMAILS address that is not one of the org's users. */
  userId: string | null;
}

export async function orgRecipients(tx: Prisma.TransactionClient, organizationId: string, audience: RecipientAudience): Promise<Recipient[]> {
  const members = await tx.membership.findMany({
    where: { organizationId, role: { in: ["OWNER", "ADMIN"] }, ...(audience === "usage_alert" ? { user: { usageAlertEmails: true } } : {}) },
    orderBy: { createdAt: "asc" },
    select: { user: { select: { id: true, email: true } } },
  });
  const recipients = new Map<string, Recipient>(members.map((m) => [m.user.email, { email: m.user.email, userId: m.user.id }]));
  if (audience === "payment_failure") for (const email of env.BILLING_ADMIN_EMAILS) if (!recipients.has(email)) recipients.set(email, { email, userId: null });
  return [...recipients.values()];
}

/** BILLING_ADMIN_EMAILS: the operators told about failed webhooks and jobs (no org involved). */
export const operatorRecipients = (): Recipient[] => env.BILLING_ADMIN_EMAILS.map((email) => ({ email, userId: null }));
