/**
 * The org's in-app notifications (the bell): one OrgNotification row per logical notification,
 * written in the transaction of the state change (or of its emails), whatever the emails'
 * recipients — an alert everyone opted out of by email is still in the bell. Who sees an entry is
 * decided by its kind, through an allowlist per role: a kind not listed (an operator alert, a
 * personal email) is never shown, whatever was written.
 */
import type { Prisma } from "~/generated/prisma/client";
import type { Role } from "~/generated/prisma/enums";

export const USAGE_ALERT_KIND = "usage-alert";
/** The billing emails' kinds (template names): for the people who handle billing only. */
export const BILLING_KINDS = ["trial-started", "trial-ending", "payment-failed", "payment-succeeded", "subscription-canceled", "plan-changed"] as const;

/** What each role's bell shows. */
export const BELL_KINDS: Record<Role, readonly string[]> = {
  OWNER: [USAGE_ALERT_KIND, ...BILLING_KINDS],
  ADMIN: [USAGE_ALERT_KIND, ...BILLING_KINDS],
  MEMBER: [USAGE_ALERT_KIND],
};

/** Where an entry links when its writer names no other place. */
export const BILLING_PAGE = "/dashboard/billing";

/** Kinds whose org-scoped emails get their bell entry from enqueueEmail by default. */
export const isDefaultInAppKind = (kind: string) => (BILLING_KINDS as readonly string[]).includes(kind);

export interface InAppNotification {
  organizationId: string;
  kind: string;
  title: string;
  link?: string;
  /** The logical notification's key (its emails'): a repeat adds nothing. */
  dedupeKey: string;
}

/** Adds the entries not written before (by dedupe key); returns how many are new. */
export async function addInAppNotifications(tx: Prisma.TransactionClient, entries: InAppNotification[]): Promise<number> {
  if (entries.length === 0) return 0;
  const { count } = await tx.orgNotification.createMany({
    data: entries.map((e) => ({
      organizationId: e.organizationId,
      kind: e.kind,
      title: e.title.slice(0, 998),
      link: e.link ?? BILLING_PAGE,
      dedupeKey: e.dedupeKey,
    })),
    skipDuplicates: true,
  });
  return count;
}
