/**
 * What SendGrid's Event Webhook tells us about addresses. `bounce` (a hard one: not `blocked`),
 * `dropped` and `spamreport` suppress the address: the sender (send.ts) never mails it again.
 * `unsubscribe` and `group_unsubscribe` turn that user's usage alerts off (payment emails always
 * go). Every other event type is accepted and ignored.
 *
 * Idempotent: a suppression is one row per address, upserted only by a newer event, so a
 * redelivered batch — SendGrid retries for up to 72 h — changes nothing; turning alerts off twice
 * is turning them off once.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db } from "~/server/clients/db";
import { AppError, fieldErrorsOf } from "~/server/errors";

/** A batch larger than this is refused before its signature is checked (SendGrid's are far smaller). */
export const SENDGRID_EVENTS_MAX_BYTES = 2 * 1024 * 1024;

const SUPPRESSING = new Set(["bounce", "dropped", "spamreport"]);
const UNSUBSCRIBING = new Set(["unsubscribe", "group_unsubscribe"]);

const event = z
  .object({
    email: z.string().trim().toLowerCase().min(3).max(320),
    event: z.string().min(1).max(64),
    /** Unix seconds. */
    timestamp: z.number().int().positive(),
    sg_event_id: z.string().max(256).optional(),
    type: z.string().max(64).optional(),
  })
  .loose();
const batch = z.array(event).max(10_000);
export type SendGridEvent = z.infer<typeof event>;

export function parseSendGridEvents(rawBody: string): SendGridEvent[] {
  let raw: unknown;
  try {
    raw = JSON.parse(rawBody);
  } catch {
    throw new AppError("BAD_REQUEST", "The event batch must be a JSON array.", { details: { reason: "invalid_events" } });
  }
  const parsed = batch.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("BAD_REQUEST", "The event batch is not SendGrid's event shape.", {
      fieldErrors: fieldErrorsOf(parsed.error),
      details: { reason: "invalid_events" },
    });
  }
  return parsed.data;
}

/** `blocked` is a bounce SendGrid will retry later (a full mailbox, a greylist): not undeliverable. */
const suppresses = (e: SendGridEvent) => SUPPRESSING.has(e.event) && !(e.event === "bounce" && e.type === "blocked");

export interface EventsOutcome {
  suppressed: number;
  unsubscribed: number;
  ignored: number;
}

export async function applySendGridEvents(events: SendGridEvent[]): Promise<EventsOutcome> {
  // The newest suppressing event of each address: one upsert per address, in the batch's order.
  const newest = new Map<string, SendGridEvent>();
  for (const e of events.filter(suppresses)) {
    const seen = newest.get(e.email);
    if (!seen || seen.timestamp < e.timestamp) newest.set(e.email, e);
  }
  let suppressed = 0;
  for (const e of newest.values()) {
    suppressed += await db.$executeRaw`
      INSERT INTO "EmailSuppression" ("id", "email", "reason", "lastEventAt", "eventId", "createdAt", "updatedAt")
      VALUES (${`sup_${randomUUID()}`}, ${e.email}, ${e.event}, ${new Date(e.timestamp * 1000)}, ${e.sg_event_id ?? null}, now(), now())
      ON CONFLICT ("email") DO UPDATE
        SET "reason" = EXCLUDED."reason", "lastEventAt" = EXCLUDED."lastEventAt", "eventId" = EXCLUDED."eventId", "updatedAt" = now()
        WHERE "EmailSuppression"."lastEventAt" < EXCLUDED."lastEventAt"`;
  }
  const unsubscribing = [...new Set(events.filter((e) => UNSUBSCRIBING.has(e.event)).map((e) => e.email))];
  const { count: unsubscribed } = unsubscribing.length
    ? await db.user.updateMany({ where: { email: { in: unsubscribing }, usageAlertEmails: true }, data: { usageAlertEmails: false } })
    : { count: 0 };
  const ignored = events.filter((e) => !suppresses(e) && !UNSUBSCRIBING.has(e.event)).length;
  return { suppressed, unsubscribed, ignored };
}

/** The suppression of `email` (lower-cased, as outbox recipients are), or null: the sender's check. */
export function suppressionOf(email: string) {
  return db.emailSuppression.findUnique({ where: { email: email.toLowerCase() }, select: { reason: true, lastEventAt: true } });
}
