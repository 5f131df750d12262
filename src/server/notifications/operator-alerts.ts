/**
 * Operators (BILLING_ADMIN_EMAILS) hear of work that retries gave up on, in the transaction that
 * records the giving up: a rollback sends nothing, and the dedupe key (one per failing row) makes
 * a repeat of the same give-up add nothing.
 */
import type { Prisma } from "~/generated/prisma/client";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { operatorRecipients } from "~/server/notifications/recipients";
import { operatorAlert, type OperatorAlertProps } from "~/server/notifications/templates/operator-alert";

export interface GivenUp {
  /** Names the failing row: e.g. `billing-event:evt_123:given_up`. */
  dedupeKey: string;
  organizationId?: string | null;
  summary: string;
  ids: Record<string, string>;
  /** Cut to a few hundred characters; errors here never carry secrets (Stripe and SendGrid errors name no keys). */
  lastError: string | null;
}

const ERROR_CHARS = 500;

export function alertOperators(tx: Prisma.TransactionClient, failure: GivenUp, now = new Date()): Promise<number> {
  const props: OperatorAlertProps = { summary: failure.summary, ids: failure.ids, lastError: failure.lastError?.slice(0, ERROR_CHARS) ?? null, at: now.toISOString() };
  return enqueueEmail(tx, {
    organizationId: failure.organizationId ?? null,
    template: operatorAlert,
    props,
    dedupeKey: failure.dedupeKey,
    recipients: operatorRecipients().map((r) => r.email),
  });
}
