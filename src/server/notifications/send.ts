/**
 * The outbox's sender. Invariants:
 * - A claim is ONE statement (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)): due rows
 *   become SENDING under a fresh claimId with a lease, and concurrent senders never take the same
 *   row. Due = PENDING or FAILED whose nextAttemptAt has come, or SENDING whose lease ran out.
 * - No HTTP call inside a transaction: SendGrid is called after the claim has committed.
 * - Only the claim's own sender marks a row (WHERE claimId matches and status is SENDING): a
 *   sender whose lease ran out and was taken over changes nothing, so a row is marked SENT once.
 * - Retryable failure: FAILED with lastError and nextAttemptAt = now + 30 s · 2^(attempts−1), at
 *   most an hour (or SendGrid's Retry-After when later); a row created more than
 *   GIVE_UP_AFTER_SECONDS ago is given up instead (nextAttemptAt null, logged at error).
 *   Permanent failure (SendGrid refused the email or our key): FAILED, nextAttemptAt null.
 * - A recipient SendGrid reported undeliverable (email-suppressions.ts) is never sent to: its
 *   claimed row is FAILED for good with lastError saying why, and SendGrid is not called. A
 *   userInitiated row (a password reset, an invitation: someone is waiting for it) is sent anyway,
 *   past SendGrid's own bounce and spam lists too.
 * - A sensitive row (its body holds a single-use link's raw token) is sent with click tracking
 *   off, and the UPDATE that makes it final (SENT, or FAILED with no next attempt) replaces its
 *   html and text with REDACTED_*: the token does not stay in the database after it is sent.
 * The one at-least-once window left: SendGrid accepted the email (202) and the sender died, or
 * could not write SENT, before the mark. The row's lease then runs out and the email is sent
 * again. It cannot be closed from our side (SendGrid's Mail Send has no idempotency key); it is
 * as narrow as one UPDATE after the 202.
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { type EmailMessage, EmailSendError, sendEmail } from "~/server/clients/email";
import { logger } from "~/server/logger";
import { suppressionOf } from "~/server/notifications/email-suppressions";

/** Failed sends are retried this long after the notification was enqueued, then given up. */
export const GIVE_UP_AFTER_SECONDS = 24 * 3600;
export const BACKOFF_BASE_SECONDS = 30;
/** lastError's reason for a row never sent because its recipient is suppressed. */
const SUPPRESSED = "recipient_suppressed";
/** What a sensitive row's body becomes once it is final. */
export const REDACTED_TEXT = "[Redacted: this email held a single-use link; its body is not kept after sending.]";
export const REDACTED_HTML = `<p>${REDACTED_TEXT}</p>`;
export const BACKOFF_MAX_SECONDS = 3600;
/** Time after which a sender call claims no new rows (the job route may run 300 s). */
export const SEND_BUDGET_MS = 120_000;
/** Sends at once: SendGrid's rate limit is generous; this bounds our connections and its share. */
export const SEND_CONCURRENCY = 8;

/** A claim's lease: longer than one send can take (the client's timeout), with room to mark it. */
export const leaseSeconds = () => Math.max(60, Math.ceil((2 * env.SENDGRID_TIMEOUT_MS) / 1000) + 30);

export interface SendResult {
  sent: number;
  /** Failed, to be retried after backoff. */
  retrying: number;
  /** Failed for good: refused by SendGrid, or given up after GIVE_UP_AFTER_SECONDS. */
  failed: number;
  /** Marks that found the row taken over by another sender (our lease ran out): nothing written. */
  superseded: number;
  /** Rows whose mark could not be written (a database error): left to their lease to run out. */
  errored: number;
  /** Due rows remained when the budget ran out. */
  more: boolean;
}

export interface Claimed {
  id: string;
  claimId: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string> | null;
  kind: string;
  attempts: number;
  sensitive: boolean;
  userInitiated: boolean;
}

const DUE = `("status" IN ('PENDING', 'FAILED') AND "nextAttemptAt" <= now()) OR ("status" = 'SENDING' AND "lockedUntil" < now())`;

/** Claims up to `limit` due rows, oldest first, for one sender. A short, single-statement transaction. */
export async function claimDue(limit: number): Promise<Claimed[]> {
  const claimId = randomUUID();
  return db.$queryRawUnsafe<Claimed[]>(
    `UPDATE "Notification"
        SET "status" = 'SENDING', "attempts" = "attempts" + 1, "claimId" = $1, "nextAttemptAt" = NULL,
            "lockedUntil" = now() + make_interval(secs => $2::int)
      WHERE "id" IN (SELECT "id" FROM "Notification" WHERE ${DUE} ORDER BY "createdAt" LIMIT $3::int FOR UPDATE SKIP LOCKED)
      RETURNING "id", "claimId", "recipient", "subject", "html", "text", "headers", "kind", "attempts", "sensitive", "userInitiated"`,
    claimId,
    leaseSeconds(),
    limit,
  );
}

async function anyDue(): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "Notification" WHERE ${DUE} LIMIT 1`);
  return rows.length > 0;
}

/** SENT with SendGrid's id (a sensitive body redacted), if the row is still this claim's; whether it was. */
async function markSent(row: Claimed, providerMessageId: string): Promise<boolean> {
  const marked = await db.$executeRaw`
    UPDATE "Notification"
       SET "status" = 'SENT', "providerMessageId" = ${providerMessageId}, "sentAt" = now(),
           "lockedUntil" = NULL, "claimId" = NULL, "lastError" = NULL,
           "html" = CASE WHEN "sensitive" THEN ${REDACTED_HTML} ELSE "html" END,
           "text" = CASE WHEN "sensitive" THEN ${REDACTED_TEXT} ELSE "text" END
     WHERE "id" = ${row.id} AND "claimId" = ${row.claimId} AND "status" = 'SENDING'`;
  return marked === 1;
}

/**
 * FAILED with the error and the next attempt (null: never), if the row is still this claim's. A
 * sensitive row with no next attempt has its body redacted in the same statement.
 */
async function markFailed(row: Claimed, error: EmailSendError): Promise<"retrying" | "failed" | "superseded"> {
  const retryAfter = error.retryable ? (error.retryAfterSeconds ?? 0) : 0;
  const [marked] = await db.$queryRaw<{ nextAttemptAt: Date | null }[]>`
    UPDATE "Notification" n
       SET "status" = 'FAILED', "lastError" = ${error.message.slice(0, 2000)}, "lockedUntil" = NULL, "claimId" = NULL,
           "nextAttemptAt" = d."next",
           "html" = CASE WHEN n."sensitive" AND d."next" IS NULL THEN ${REDACTED_HTML} ELSE n."html" END,
           "text" = CASE WHEN n."sensitive" AND d."next" IS NULL THEN ${REDACTED_TEXT} ELSE n."text" END
      FROM (
        SELECT CASE
                 WHEN NOT ${error.retryable}::boolean OR "createdAt" <= now() - make_interval(secs => ${GIVE_UP_AFTER_SECONDS}) THEN NULL
                 ELSE now() + make_interval(secs => greatest(${retryAfter}::int,
                   least(${BACKOFF_BASE_SECONDS} * power(2, greatest("attempts", 1) - 1), ${BACKOFF_MAX_SECONDS})))
               END AS "next"
          FROM "Notification" WHERE "id" = ${row.id}
      ) d
     WHERE n."id" = ${row.id} AND n."claimId" = ${row.claimId} AND n."status" = 'SENDING'
    RETURNING n."nextAttemptAt"`;
  if (!marked) return "superseded";
  const context = { notificationId: row.id, kind: row.kind, attempts: row.attempts, reason: error.details.reason, error: error.message };
  if (marked.nextAttemptAt) {
    logger.warn("notifications: sending failed; retried with backoff", { ...context, nextAttemptAt: marked.nextAttemptAt.toISOString() });
    return "retrying";
  }
  if (error.details.reason === SUPPRESSED) logger.warn("notifications: the recipient is suppressed; not sent", context);
  else logger.error(error.retryable ? "notifications: sending kept failing for a day; given up" : "notifications: SendGrid refused the email; not retried", context);
  return "failed";
}

const asSendError = (error: unknown) =>
  error instanceof EmailSendError
    ? error
    : new EmailSendError(`Sending failed: ${error instanceof Error ? error.message : String(error)}`, { code: "INTERNAL", retryable: true, reason: "email_send_failed" });

/**
 * Sends the row's message unless SendGrid reported the recipient undeliverable: then the permanent
 * failure that says so. A user-initiated row is sent regardless.
 */
async function sendUnlessSuppressed(row: Claimed, message: EmailMessage): Promise<string> {
  const suppression = row.userInitiated ? null : await suppressionOf(message.to);
  if (suppression) {
    throw new EmailSendError(
      `Not sent: SendGrid reported the address undeliverable (${suppression.reason} at ${suppression.lastEventAt.toISOString()}).`,
      { code: "BAD_REQUEST", retryable: false, reason: SUPPRESSED },
    );
  }
  return sendEmail(message);
}

type Outcome = "sent" | "retrying" | "failed" | "superseded" | "errored";

/**
 * Sends one claimed row and marks it if it is still the claim's. Never throws: a mark that fails
 * is logged and "errored" (the row's lease runs out and it is sent again).
 */
export async function sendClaimed(row: Claimed): Promise<Outcome> {
  const message: EmailMessage = { to: row.recipient, subject: row.subject, html: row.html, text: row.text, categories: [row.kind] };
  if (row.headers) message.headers = row.headers;
  if (row.sensitive) message.noClickTracking = true;
  if (row.userInitiated) message.bypassBounceAndSpamLists = true;
  try {
    // The send's failure is told apart from a mark's: a mark that throws after SendGrid accepted must not mark FAILED.
    const sent = await sendUnlessSuppressed(row, message).then(
      (providerMessageId) => ({ providerMessageId }),
      (error: unknown) => ({ error }),
    );
    const outcome: Outcome =
      "providerMessageId" in sent ? ((await markSent(row, sent.providerMessageId)) ? "sent" : "superseded") : await markFailed(row, asSendError(sent.error));
    if (outcome === "superseded") logger.warn("notifications: the claim's lease ran out and another sender took the row; nothing marked", { notificationId: row.id });
    return outcome;
  } catch (error) {
    logger.error("notifications: marking a sent or failed email failed; it is retried when its lease runs out", { notificationId: row.id, error });
    return "errored";
  }
}

/**
 * Sends due notifications with `concurrency` workers, each claiming one row at a time, until none
 * is due or the budget has run out (checked before each claim): a slow send holds up no other row.
 */
export async function sendDueNotifications(opts: { budgetMs?: number; concurrency?: number } = {}): Promise<SendResult> {
  const deadline = Date.now() + (opts.budgetMs ?? SEND_BUDGET_MS);
  const concurrency = Math.max(1, opts.concurrency ?? SEND_CONCURRENCY);
  const result: SendResult = { sent: 0, retrying: 0, failed: 0, superseded: 0, errored: 0, more: false };
  let drained = false;
  const worker = async () => {
    while (!drained && Date.now() < deadline) {
      const [row] = await claimDue(1);
      if (!row) return void (drained = true);
      result[await sendClaimed(row)]++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.more = !drained && (await anyDue());
  return result;
}
