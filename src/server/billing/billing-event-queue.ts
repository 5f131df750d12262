/**
 * Processing of stored Stripe events, coalesced per customer. The sync reads Stripe's state
 * (sync-stripe-customer.ts), so one sync covers every event of a customer that was pending when
 * it started, in any order: a customer's pending events are claimed together and answered by ONE
 * `syncStripeCustomer`. Invariants:
 * - One sync per customer at a time: the claim runs under a per-customer advisory lock and refuses
 *   while the customer has a PROCESSING event whose lease is live.
 * - Pending = RECEIVED, FAILED whose nextAttemptAt has come, or PROCESSING whose lease ran out
 *   (its worker died). Only the claimed ids are marked afterwards; events that arrived during the
 *   sync stay pending for the next round.
 * - A customer is due once its newest pending event is BILLING_EVENT_DEBOUNCE_MS old (a trailing
 *   debounce: a burst makes one sync), or its oldest is BILLING_EVENT_MAX_WAIT_MS old.
 * Every event stays a row with its attempts, last error and next attempt, whatever became of it.
 */
import { env } from "~/env";
import { type SyncResult, syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { Slots } from "~/server/slots";

/** How long a claim holds a customer's events; longer than a sync takes against a slow Stripe. */
export const LEASE_SECONDS = 180;
/** After this many failed attempts an event is given up (FAILED, nextAttemptAt null). */
export const MAX_ATTEMPTS = 8;
/** Backoff before a failed event is tried again: 30 s · 2^(attempts−1), at most an hour. */
const BACKOFF_BASE_SECONDS = 30;
const BACKOFF_MAX_SECONDS = 3600;

export type Sync = (customerId: string) => Promise<SyncResult>;

export type ProcessOutcome =
  | { status: "not_due" | "busy" | "idle"; customerId: string }
  | { status: "processed" | "ignored" | "failed"; customerId: string; events: number; error?: string };

interface DueWindow {
  debounceMs: number;
  maxWaitMs: number;
}

const window = (): DueWindow => ({ debounceMs: env.BILLING_EVENT_DEBOUNCE_MS, maxWaitMs: env.BILLING_EVENT_MAX_WAIT_MS });

/**
 * Claims every pending event of the customer if it is due and nobody is syncing it; returns the
 * claimed ids (empty: nothing to do) or "busy". A short transaction: no Stripe call inside.
 */
async function claimCustomer(customerId: string, due: DueWindow): Promise<string[] | "busy" | "not_due"> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`billing-events:${customerId}`}, 0))`;
    const [state] = await tx.$queryRaw<{ live: boolean | null; pending: number; due: boolean | null }[]>`
      SELECT bool_or("status" = 'PROCESSING' AND "lockedUntil" >= now()) AS "live",
             (count(*) FILTER (WHERE NOT ("status" = 'PROCESSING' AND "lockedUntil" >= now())))::int AS "pending",
             (max("receivedAt") FILTER (WHERE "status" = 'RECEIVED') IS NULL
                    OR max("receivedAt") FILTER (WHERE "status" = 'RECEIVED') <= now() - make_interval(secs => ${due.debounceMs / 1000})
                    OR min("receivedAt") <= now() - make_interval(secs => ${due.maxWaitMs / 1000})) AS "due"
        FROM "BillingEvent"
       WHERE "stripeCustomerId" = ${customerId}
         AND ("status" IN ('RECEIVED', 'PROCESSING') OR ("status" = 'FAILED' AND "nextAttemptAt" <= now()))`;
    if (state?.live) return "busy";
    if (!state?.pending) return [];
    if (!state.due) return "not_due";
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "BillingEvent"
         SET "status" = 'PROCESSING', "attempts" = "attempts" + 1, "nextAttemptAt" = NULL,
             "lockedUntil" = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE "stripeCustomerId" = ${customerId}
         AND ("status" = 'RECEIVED'
              OR ("status" = 'FAILED' AND "nextAttemptAt" <= now())
              OR ("status" = 'PROCESSING' AND "lockedUntil" < now()))
      RETURNING "id"`;
    return claimed.map((row) => row.id);
  });
}

async function markDone(ids: string[], result: SyncResult) {
  if (result.status === "unknown_customer") {
    await db.billingEvent.updateMany({
      where: { id: { in: ids } },
      data: { status: "IGNORED", organizationId: null, lastError: "the customer belongs to no organization of this app", processedAt: new Date(), lockedUntil: null },
    });
    return "ignored" as const;
  }
  await db.billingEvent.updateMany({
    where: { id: { in: ids } },
    data: { status: "PROCESSED", organizationId: result.organizationId, lastError: null, processedAt: new Date(), lockedUntil: null },
  });
  return "processed" as const;
}

/** FAILED with the error; the next attempt backs off per event, none after MAX_ATTEMPTS (given up). */
async function markFailed(customerId: string, ids: string[], message: string) {
  const rows = await db.$queryRaw<{ stripeEventId: string; attempts: number; nextAttemptAt: Date | null }[]>`
    UPDATE "BillingEvent"
       SET "status" = 'FAILED', "lastError" = ${message.slice(0, 2000)}, "lockedUntil" = NULL,
           "nextAttemptAt" = CASE WHEN "attempts" >= ${MAX_ATTEMPTS} THEN NULL
                                  ELSE now() + make_interval(secs => least(${BACKOFF_BASE_SECONDS} * power(2, "attempts" - 1), ${BACKOFF_MAX_SECONDS})) END
     WHERE "id" = ANY(${ids})
    RETURNING "stripeEventId", "attempts", "nextAttemptAt"`;
  const givenUp = rows.filter((row) => row.nextAttemptAt === null).map((row) => row.stripeEventId);
  if (givenUp.length) {
    logger.error("billing events: syncing the customer failed too often; these events are given up", { customerId, events: givenUp, error: message });
  } else {
    logger.warn("billing events: syncing the customer failed; retried with backoff", { customerId, events: rows.length, error: message });
  }
}

/** One round: claim the customer's pending events (if due and free), sync once, mark the claimed ids. */
export async function processCustomerOnce(customerId: string, opts: { sync?: Sync; due?: DueWindow } = {}): Promise<ProcessOutcome> {
  const claimed = await claimCustomer(customerId, opts.due ?? window());
  if (claimed === "busy" || claimed === "not_due") return { status: claimed, customerId };
  if (!claimed.length) return { status: "idle", customerId };
  let result: SyncResult;
  try {
    result = await (opts.sync ?? syncStripeCustomer)(customerId);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await markFailed(customerId, claimed, message);
    return { status: "failed", customerId, events: claimed.length, error: message };
  }
  return { status: await markDone(claimed, result), customerId, events: claimed.length };
}

/**
 * Rounds until the customer has nothing due: events that arrived during a sync are taken by the
 * next round once due (or by their own scheduled task). Returns the last round's outcome and how
 * many events were synced in all.
 */
export async function processCustomer(customerId: string, opts: { sync?: Sync; due?: DueWindow } = {}) {
  const outcomes: ProcessOutcome[] = [];
  for (let round = 0; round < 20; round++) {
    const outcome = await processCustomerOnce(customerId, opts);
    outcomes.push(outcome);
    // A failure waits for its backoff; busy/not_due/idle leave it to the holder or a later task.
    if (outcome.status !== "processed" && outcome.status !== "ignored") break;
  }
  return outcomes;
}

/**
 * Runs after responses processing at once in this process: BILLING_EVENT_CONCURRENCY; up to
 * AFTER_RESPONSE_QUEUE_PER_SLOT × that many more wait for a slot, and a run past that is skipped
 * (its events stay pending for the drain, which works through them a few at a time).
 */
export const AFTER_RESPONSE_QUEUE_PER_SLOT = 16;
const afterResponseSlots = new Slots(() => env.BILLING_EVENT_CONCURRENCY, () => env.BILLING_EVENT_CONCURRENCY * AFTER_RESPONSE_QUEUE_PER_SLOT);

/** Customers this process has a debounce timer for; every task of one customer shares one run. */
const scheduled = new Map<string, { timer: NodeJS.Timeout; firstAt: number; run: Promise<ProcessOutcome[]>; fire: () => void }>();

/**
 * What runs after a queued delivery has been answered: a trailing debounce per customer in this
 * process — each new event of the customer restarts its timer (never past BILLING_EVENT_MAX_WAIT_MS
 * from the first), and every delivery's task awaits the one run it ends in. The run processes the
 * customer if the database says it is due (events may have reached other instances). Never
 * throws: a failed sync is recorded on the events; anything else is logged and left to the drain.
 */
export function processAfterDebounce(customerId: string, opts: { sync?: Sync } = {}): Promise<ProcessOutcome[]> {
  let entry = scheduled.get(customerId);
  if (entry) {
    clearTimeout(entry.timer);
  } else {
    let fire!: () => void;
    const run = new Promise<void>((resolve) => (fire = resolve)).then(async () => {
      scheduled.delete(customerId);
      // A burst over many customers must not claim and sync them all at once (pool, Stripe's rate limit).
      const slot = await afterResponseSlots.acquire();
      if (!slot) {
        logger.warn("billing events: too many runs after responses; the drain takes this customer", { customerId });
        return [];
      }
      try {
        return await processCustomer(customerId, opts);
      } catch (error) {
        logger.error("billing events: processing after the response failed; the drain will retry", { customerId, error });
        return [];
      } finally {
        slot();
      }
    });
    entry = { timer: undefined as unknown as NodeJS.Timeout, firstAt: Date.now(), run, fire };
    scheduled.set(customerId, entry);
  }
  // The slack covers receivedAt's rounding to the millisecond: the run must find the newest event due.
  const wait = Math.min(env.BILLING_EVENT_DEBOUNCE_MS + 25, Math.max(0, entry.firstAt + env.BILLING_EVENT_MAX_WAIT_MS - Date.now()));
  entry.timer = setTimeout(entry.fire, wait);
  return entry.run;
}

/** Customers with due events, the longest-waiting first (the drain's worklist). */
export async function dueCustomers(limit: number, skip: string[], only?: string[], due: DueWindow = window()) {
  const rows = await db.$queryRaw<{ customerId: string }[]>`
    SELECT "stripeCustomerId" AS "customerId"
      FROM "BillingEvent"
     WHERE "stripeCustomerId" IS NOT NULL
       AND NOT ("stripeCustomerId" = ANY(${skip}))
       AND (${!only}::boolean OR "stripeCustomerId" = ANY(${only ?? []}))
       AND ("status" = 'RECEIVED'
            OR ("status" = 'FAILED' AND "nextAttemptAt" <= now())
            OR ("status" = 'PROCESSING' AND "lockedUntil" < now()))
     GROUP BY "stripeCustomerId"
    HAVING max("receivedAt") FILTER (WHERE "status" = 'RECEIVED') IS NULL
        OR max("receivedAt") FILTER (WHERE "status" = 'RECEIVED') <= now() - make_interval(secs => ${due.debounceMs / 1000})
        OR min("receivedAt") <= now() - make_interval(secs => ${due.maxWaitMs / 1000})
     ORDER BY min("receivedAt")
     LIMIT ${limit}`;
  return rows.map((row) => row.customerId);
}
