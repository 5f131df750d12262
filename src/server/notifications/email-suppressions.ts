/**
 * What SendGrid's Event Webhook tells us about addresses. Per address the newest deliverability
 * event wins, by SendGrid's event timestamp, whatever order the batches arrive in:
 * - `bounce` (a hard one: not `blocked`), `spamreport` and a `dropped` for an address reason
 *   (DROP_REASONS_SUPPRESSING) suppress the address: the sender (send.ts) does not mail it again,
 *   user-initiated emails aside. A drop for quota, content or a bad header says nothing about the
 *   address, and "Unsubscribed Address" is SendGrid's unsubscribe list, which our payment email
 *   does not use: neither suppresses.
 * - `delivered` lifts a suppression. The row stays (suppressed = false) with the delivery's time,
 *   so a bounce older than it that arrives later changes nothing.
 * - `unsubscribe` and `group_unsubscribe` turn that user's usage alerts off (payment emails always go).
 * Every other event type, and an event that is not SendGrid's shape, is counted as ignored; the
 * others in its batch still apply.
 *
 * Idempotent: a row moves only for a strictly newer event, so a redelivered batch — SendGrid
 * retries for up to 72 h — changes nothing; turning alerts off twice is turning them off once.
 */
import { z } from "zod";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

/** A batch larger than this is refused before its signature is checked (SendGrid's are far smaller). */
export const SENDGRID_EVENTS_MAX_BYTES = 2 * 1024 * 1024;

/** `dropped` reasons that mean the address itself is bad (SendGrid's wording). */
export const DROP_REASONS_SUPPRESSING = new Set(["Bounced Address", "Spam Reporting Address", "Invalid"]);
const UNSUBSCRIBING = new Set(["unsubscribe", "group_unsubscribe"]);

const event = z
  .object({
    email: z.string().trim().toLowerCase().min(3).max(320),
    event: z.string().min(1).max(64),
    /** Unix seconds. */
    timestamp: z.number().int().positive().max(2 ** 40),
    sg_event_id: z.string().max(256).optional(),
    type: z.string().max(64).optional(),
    reason: z.string().max(2000).optional(),
  })
  .loose();
export type SendGridEvent = z.infer<typeof event>;

export interface SendGridEventBatch {
  events: SendGridEvent[];
  /** Entries that are not SendGrid's event shape: counted as ignored. */
  malformed: number;
}

/** The batch's events, each parsed on its own; 400 `invalid_events` only when the body is not a JSON array. */
export function parseSendGridEvents(rawBody: string): SendGridEventBatch {
  let raw: unknown;
  try {
    raw = JSON.parse(rawBody);
  } catch {
    raw = undefined;
  }
  if (!Array.isArray(raw)) {
    throw new AppError("BAD_REQUEST", "The event batch must be a JSON array.", { details: { reason: "invalid_events" } });
  }
  const events: SendGridEvent[] = [];
  for (const entry of raw as unknown[]) {
    const parsed = event.safeParse(entry);
    if (parsed.success) events.push(parsed.data);
  }
  return { events, malformed: raw.length - events.length };
}

/** What an event says about its address's deliverability, or null when nothing. */
function deliverability(e: SendGridEvent): { suppressed: boolean; reason: string } | null {
  switch (e.event) {
    case "bounce":
      // `blocked` is a bounce SendGrid will retry later (a full mailbox, a greylist): not undeliverable.
      return e.type === "blocked" ? null : { suppressed: true, reason: "bounce" };
    case "spamreport":
      return { suppressed: true, reason: "spamreport" };
    case "dropped":
      return e.reason && DROP_REASONS_SUPPRESSING.has(e.reason) ? { suppressed: true, reason: `dropped: ${e.reason}` } : null;
    case "delivered":
      return { suppressed: false, reason: "delivered" };
    default:
      return null;
  }
}

interface AddressState {
  email: string;
  suppressed: boolean;
  reason: string;
  timestamp: number;
  eventId: string | null;
}

/** The newest deliverability event of each address in the batch; on a tie the suppressing one. */
function newestPerAddress(events: SendGridEvent[]): AddressState[] {
  const newest = new Map<string, AddressState>();
  for (const e of events) {
    const state = deliverability(e);
    if (!state) continue;
    const seen = newest.get(e.email);
    if (seen && (seen.timestamp > e.timestamp || (seen.timestamp === e.timestamp && seen.suppressed))) continue;
    newest.set(e.email, { email: e.email, ...state, timestamp: e.timestamp, eventId: e.sg_event_id ?? null });
  }
  return [...newest.values()];
}

export interface EventsOutcome {
  /** Addresses this batch suppressed (that were not suppressed before). */
  suppressed: number;
  /** Suppressed addresses a newer delivery lifted. */
  lifted: number;
  unsubscribed: number;
  ignored: number;
}

/**
 * One statement for the whole batch: the addresses' states travel as arrays through `unnest`, and
 * each row is inserted or moved only by a strictly newer event (ON CONFLICT … WHERE). `previous`
 * reads the rows as they were before the statement (CTEs share its snapshot), for the counts.
 */
async function upsertStates(states: AddressState[]) {
  if (states.length === 0) return { suppressed: 0, lifted: 0 };
  const rows = await db.$queryRaw<{ suppressed: boolean; was: boolean | null }[]>`
    WITH incoming AS (
      SELECT * FROM unnest(${states.map((s) => s.email)}::text[], ${states.map((s) => s.suppressed)}::boolean[],
                           ${states.map((s) => s.reason)}::text[], ${states.map((s) => s.timestamp)}::float8[],
                           ${states.map((s) => s.eventId)}::text[])
        AS e("email", "suppressed", "reason", "seconds", "eventId")
    ), previous AS (
      SELECT s."email", s."suppressed" FROM "EmailSuppression" s JOIN incoming i ON i."email" = s."email"
    ), applied AS (
      INSERT INTO "EmailSuppression" ("id", "email", "suppressed", "reason", "lastEventAt", "eventId", "createdAt", "updatedAt")
      SELECT 'sup_' || gen_random_uuid(), "email", "suppressed", "reason", to_timestamp("seconds"), "eventId", now(), now() FROM incoming
      ON CONFLICT ("email") DO UPDATE
        SET "suppressed" = EXCLUDED."suppressed", "reason" = EXCLUDED."reason", "lastEventAt" = EXCLUDED."lastEventAt",
            "eventId" = EXCLUDED."eventId", "updatedAt" = now()
        WHERE "EmailSuppression"."lastEventAt" < EXCLUDED."lastEventAt"
      RETURNING "email", "suppressed"
    )
    SELECT a."suppressed", p."suppressed" AS "was" FROM applied a LEFT JOIN previous p ON p."email" = a."email"`;
  return {
    suppressed: rows.filter((r) => r.suppressed && r.was !== true).length,
    lifted: rows.filter((r) => !r.suppressed && r.was === true).length,
  };
}

export async function applySendGridEvents(batch: SendGridEventBatch): Promise<EventsOutcome> {
  const { events } = batch;
  const { suppressed, lifted } = await upsertStates(newestPerAddress(events));
  const unsubscribing = [...new Set(events.filter((e) => UNSUBSCRIBING.has(e.event)).map((e) => e.email))];
  const { count: unsubscribed } = unsubscribing.length
    ? await db.user.updateMany({ where: { email: { in: unsubscribing }, usageAlertEmails: true }, data: { usageAlertEmails: false } })
    : { count: 0 };
  const ignored = batch.malformed + events.filter((e) => !deliverability(e) && !UNSUBSCRIBING.has(e.event)).length;
  return { suppressed, lifted, unsubscribed, ignored };
}

/** The suppression of `email` (lower-cased, as outbox recipients are), or null: the sender's check. */
export function suppressionOf(email: string) {
  return db.emailSuppression.findFirst({ where: { email: email.toLowerCase(), suppressed: true }, select: { reason: true, lastEventAt: true } });
}
