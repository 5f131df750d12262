/**
 * A template rendered and enqueued in the caller's transaction: the one way domain code sends an
 * email. The row's kind is the template's name; the dedupe key names the logical notification
 * (e.g. `invoice.paid:in_123`) so a repeat of the state change enqueues nothing new.
 */
import type { Prisma } from "~/generated/prisma/client";
import { enqueueNotification } from "./enqueue";
import { addInAppNotifications, isDefaultInAppKind } from "./in-app";
import { renderEmail } from "./render-email";
import type { EmailTemplate } from "./templates/template";

export interface EmailToEnqueue<P> {
  organizationId?: string | null;
  template: EmailTemplate<P>;
  props: P;
  dedupeKey: string;
  recipients: string[];
  headers?: Record<string, string>;
  /** The body carries a secret link (password reset, invitation): see enqueue.ts `sensitive`. */
  sensitive?: boolean;
  /** The recipient (or an inviter) asked for it just now: see enqueue.ts `userInitiated`. */
  userInitiated?: boolean;
  /**
   * Also an entry in the org's bell (in-app.ts), titled with the subject, written in the same
   * transaction even when there are no recipients. Default: on for org-scoped emails of the
   * billing kinds, off otherwise; `{ link }` names the in-app page (default the billing page).
   */
  inApp?: boolean | { link: string };
}

/** Returns the rows added (0: no recipients, or enqueued before). Per-recipient content (an unsubscribe link) takes one call per recipient. */
export async function enqueueEmail<P>(tx: Prisma.TransactionClient, email: EmailToEnqueue<P>): Promise<number> {
  const inApp = email.inApp ?? isDefaultInAppKind(email.template.name);
  if (inApp && email.organizationId) {
    await addInAppNotifications(tx, [
      {
        organizationId: email.organizationId,
        kind: email.template.name,
        title: email.template.subject(email.props),
        dedupeKey: email.dedupeKey,
        ...(typeof inApp === "object" ? { link: inApp.link } : {}),
      },
    ]);
  }
  if (email.recipients.length === 0) return 0;
  const rendered = await renderEmail(email.template, email.props);
  return enqueueNotification(tx, {
    organizationId: email.organizationId ?? null,
    kind: email.template.name,
    dedupeKey: email.dedupeKey,
    recipients: email.recipients,
    ...rendered,
    ...(email.headers ? { headers: email.headers } : {}),
    sensitive: email.sensitive ?? false,
    userInitiated: email.userInitiated ?? false,
  });
}
