/**
 * The outbox's only writer: a notification is enqueued inside the transaction of the state change
 * it reports, so a change that rolls back leaves no email behind and a committed one cannot lose
 * its email to a crash after the commit (the sender, send.ts, picks it up). One row per recipient;
 * UNIQUE(dedupeKey, recipient) with ON CONFLICT DO NOTHING makes a repeat — Stripe or QStash
 * redelivering, a request retried — add nothing, however many run at once.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { AppError, fieldErrorsOf } from "~/server/errors";
import { noteEnqueued } from "~/server/notifications/after-response";
import { boundedText, emailInput } from "~/server/validation";

/** Bytes of one body (html or text). Our billing emails are a few KB; SendGrid's whole-message limit is 30 MB. */
export const NOTIFICATION_BODY_MAX_BYTES = 256 * 1024;
/** Recipients of one notification: more is a mailing, not a billing email. */
export const NOTIFICATION_MAX_RECIPIENTS = 50;

const fitsBody = (s: string) => Buffer.byteLength(s, "utf8") <= NOTIFICATION_BODY_MAX_BYTES;
const body = (label: string) =>
  z
    .string()
    .min(1, { error: `${label} is required.` })
    .refine(fitsBody, { error: `${label} must be at most ${NOTIFICATION_BODY_MAX_BYTES} bytes.` })
    // PostgreSQL refuses NUL in text: refused here as the caller's error, not a 500 at the insert.
    .refine((s) => !s.includes("\u0000"), { error: `${label} cannot contain NUL.` });

const notificationInput = z.object({
  organizationId: z.string().min(1).max(128).nullish(),
  kind: boundedText(64, "Kind"),
  dedupeKey: boundedText(255, "Dedupe key"),
  recipients: z.array(emailInput).min(1).max(NOTIFICATION_MAX_RECIPIENTS),
  // RFC 5322 recommends lines of at most 78 characters; SendGrid folds longer subjects.
  subject: boundedText(998, "Subject"),
  html: body("HTML body"),
  text: body("Text body"),
  headers: z.record(boundedText(128, "Header name"), boundedText(998, "Header value")).optional(),
  /**
   * The body holds a secret (a single-use link's raw token): redacted once the row is final, and
   * sent with click tracking off (send.ts).
   */
  sensitive: z.boolean().optional(),
  /** Asked for just now (a password reset, an invitation): sent even to a suppressed address (send.ts). */
  userInitiated: z.boolean().optional(),
});

export type NotificationInput = z.input<typeof notificationInput>;

/**
 * Adds the notification for each recipient (addresses are lower-cased, duplicates collapse) to
 * the caller's transaction; returns how many rows are new (0 when it was enqueued before). Bad
 * input — an invalid address, an oversized body — is refused (AppError BAD_REQUEST or
 * PAYLOAD_TOO_LARGE) before anything is written.
 */
export async function enqueueNotification(tx: Prisma.TransactionClient, input: NotificationInput): Promise<number> {
  const parsed = notificationInput.safeParse(input);
  if (!parsed.success) {
    const tooLarge = [input.html, input.text].some((b) => typeof b === "string" && !fitsBody(b));
    throw new AppError(tooLarge ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST", "The notification cannot be sent as it is.", {
      fieldErrors: fieldErrorsOf(parsed.error),
      details: { reason: tooLarge ? "notification_too_large" : "invalid_notification" },
    });
  }
  const n = parsed.data;
  const recipients = [...new Set(n.recipients)];
  const headers = n.headers ? JSON.stringify(n.headers) : null;
  // One statement for all recipients; ids are generated here as Prisma's cuid default would not run in raw SQL.
  const rows = recipients.map(
    (recipient) =>
      Prisma.sql`(${`ntf_${randomUUID()}`}, ${n.organizationId ?? null}, ${n.kind}, ${n.dedupeKey}, ${recipient}, ${n.subject}, ${n.html}, ${n.text}, ${headers}::jsonb, ${n.sensitive ?? false}, ${n.userInitiated ?? false})`,
  );
  const added = await tx.$executeRaw`
    INSERT INTO "Notification" ("id", "organizationId", "kind", "dedupeKey", "recipient", "subject", "html", "text", "headers", "sensitive", "userInitiated")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("dedupeKey", "recipient") DO NOTHING`;
  if (added > 0) noteEnqueued();
  return added;
}
