/**
 * Processing of stored Stripe events, coalesced per customer. The sync reads Stripe's state
 * (sync-stripe-customer.ts), so one sync covers every event of a customer that was stored when it
 * started, in any order: a customer's events are claimed together and answered by ONE
 * `syncStripeCustomer`. Invariants:
 * - One sync per customer at a time: the claim runs under a per-customer advisory lock and refuses
 *   while the customer has a PROCESSING event whose lease is live.
 * - Only a claim's own worker marks its rows: each claim writes a fresh claimId, and the marks
 *   update only rows still PROCESSING under it — a worker whose lease ran out and was taken over
 *   changes nothing.
 * - A lease that ran out (worker died, or sync slower than LEASE_SECONDS) is a failed attempt: the
 *   claim that finds it records LEASE_EXPIRED_ERROR with backoff and the give-up rule.
 * - Due = the newest RECEIVED event is BILLING_EVENT_DEBOUNCE_MS old (a trailing debounce: a burst
 *   makes one sync), or the oldest BILLING_EVENT_MAX_WAIT_MS old, or a FAILED one's backoff has
 *   come. A due customer's claim takes ALL its RECEIVED and FAILED events (backoff come or not,
 *   given up or not): the sync covers them all. Events that arrive during the sync wait for the next round.
 * - Backoff is per customer (every claimed row gets the same nextAttemptAt, so failures do not
 *   split the customer): 30 s · 2^(attempts−1), at most an hour; an event that arrived more than
 *   GIVE_UP_AFTER_SECONDS ago is given up instead (FAILED, nextAttemptAt null, logged at error).
 * Every event stays a row with its attempts, last error and next attempt, whatever became of it.
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env";
import { Prisma } from "~/generated/prisma/client";
import { type SyncResult, syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { alertOperators } from "~/server/notifications/operator-alerts";
import { Slots } from "~/server/slots";

/** How long a claim holds a customer's events; longer than a sync takes against a slow Stripe. */
export const LEASE_SECONDS = 180;
/** Failed events are retried for this long after they arrived (Stripe's own retry horizon), then given up. */
export const GIVE_UP_AFTER_SECONDS = 3 * 24 * 3600;
/** Backoff before a failed customer is tried again: 30 s · 2^(attempts−1), at most an hour. */
export const BACKOFF_BASE_SECONDS = 30;
export const BACKOFF_MAX_SECONDS = 3600;
export const LEASE_EXPIRED_ERROR = "lease expired (worker died or sync too slow)";

export type Sync = (customerId: string) => Promise<SyncResult>;

export type ProcessOutcome =
  | { status: "not_due" | "busy" | "idle"; customerId: string }
  /** The claim's lease ran out during the sync and another worker took the events over: nothing was marked. */
  | { status: "superseded"; customerId: string; events: number }
  | { status: "processed" | "ignored" | "failed"; customerId: string; events: number; error?: string };

interface DueWindow {
  debounceMs: number;
  maxWaitMs: number;
}

const window = (): DueWindow => ({ debounceMs: env.BILLING_EVENT_DEBOUNCE_MS, maxWaitMs: env.BILLING_EVENT_MAX_WAIT_MS });

/** A PROCESSING row whose lease ran out (a missing lease counts as run out). */
const LEASE_RAN_OUT = Prisma.sql`"status" = 'PROCESSING' AND COALESCE("lockedUntil", '-infinity') < now()`;

interface Claim {
  claimId: string;
  ids: string[];
}

/** Event ids named in one operator alert; the rest are counted (the rows hold them all). */
const ALERT_EVENTS_MAX = 20;

/**
 * One operator alert per customer per UTC day, listing the events given up (a customer failing
 * for days gives up many at once, and again on later days): `billing-customer:<id>:given_up:<day>`.
 * Events given up later that same day are on their rows and in the error log, not in a second email.
 */
async function alertGivenUp(client: Prisma.TransactionClient, customerId: string, givenUp: { stripeEventId: string; type: string; organizationId: string | null }[], message: string) {
  const org = await client.organization.findFirst({
    where: { OR: [{ stripeCustomerId: customerId }, { lostStripeCustomerId: customerId }] },
    select: { id: true, name: true },
  });
  const organizationId = org?.id ?? givenUp.find((row) => row.organizationId)?.organizationId ?? null;
  const listed = givenUp.slice(0, ALERT_EVENTS_MAX).map((row) => `${row.stripeEventId} (${row.type})`);
  if (givenUp.length > ALERT_EVENTS_MAX) listed.push(`and ${givenUp.length - ALERT_EVENTS_MAX} more`);
  const now = new Date();
  await alertOperators(
    client,
    {
      dedupeKey: `billing-customer:${customerId}:given_up:${now.toISOString().slice(0, 10)}`,
      organizationId,
      summary: `Stripe webhook events were given up for ${org ? org.name : customerId} (${givenUp.length})`,
      ids: {
        customer: customerId,
        ...(organizationId ? { organization: organizationId } : {}),
        ...(org ? { "organization name": org.name } : {}),
        events: listed.join(", "),
      },
      lastError: message,
    },
    now,
  );
}

/**
 * FAILED with `message`, for the customer's rows matching `which`. One nextAttemptAt for all of
 * them (the customer's backoff, from its most-tried row); a row older than the give-up horizon gets
 * none, and the operators' email about it (one per customer and day) is enqueued in `client`'s transaction.
 */
async function failRows(client: Prisma.TransactionClient, customerId: string, which: Prisma.Sql, message: string) {
  const rows = await client.$queryRaw<{ stripeEventId: string; type: string; organizationId: string | null; nextAttemptAt: Date | null }[]>`
    UPDATE "BillingEvent"
       SET "status" = 'FAILED', "lastError" = ${message.slice(0, 2000)}, "lockedUntil" = NULL, "claimId" = NULL,
           "nextAttemptAt" = CASE WHEN "receivedAt" <= now() - make_interval(secs => ${GIVE_UP_AFTER_SECONDS}) THEN NULL
             ELSE now() + make_interval(secs => least(${BACKOFF_BASE_SECONDS} * power(2, greatest(1, (
               SELECT max("attempts") FROM "BillingEvent" WHERE "stripeCustomerId" = ${customerId} AND ${which})) - 1), ${BACKOFF_MAX_SECONDS})) END
     WHERE "stripeCustomerId" = ${customerId} AND ${which}
    RETURNING "stripeEventId", "type", "organizationId", "nextAttemptAt"`;
  const givenUp = rows.filter((row) => row.nextAttemptAt === null);
  if (givenUp.length) {
    logger.error("billing events: the customer's sync kept failing for days; these events are given up", {
      customerId,
      events: givenUp.map((row) => row.stripeEventId),
      error: message,
    });
    await alertGivenUp(client, customerId, givenUp, message);
  } else if (rows.length) {
    logger.warn("billing events: syncing the customer failed; retried with backoff", { customerId, events: rows.length, error: message });
  }
  return rows.length;
}

/**
 * Claims every RECEIVED and FAILED event of the customer if it is due and nobody is syncing it;
 * returns the claim (no ids: nothing to do), "busy" or "not_due". A lease found run out is failed
 * first. A short transaction: no Stripe call inside.
 */
async function claimCustomer(customerId: string, due: DueWindow): Promise<Claim | "busy" | "not_due"> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`billing-events:${customerId}`}, 0))`;
    await failRows(tx, customerId, LEASE_RAN_OUT, LEASE_EXPIRED_ERROR);
    const [state] = await tx.$queryRaw<{ live: boolean | null; pending: number; due: boolean | null }[]>`
      SELECT bool_or("status" = 'PROCESSING') AS "live",
             (count(*) FILTER (WHERE "status" = 'RECEIVED' OR "nextAttemptAt" <= now()))::int AS "pending",
             (max("receivedAt") FILTER (WHERE "status" = 'RECEIVED') <= now() - make_interval(secs => ${due.debounceMs / 1000})
                OR min("receivedAt") FILTER (WHERE "status" = 'RECEIVED') <= now() - make_interval(secs => ${due.maxWaitMs / 1000})
                OR bool_or("status" = 'FAILED' AND "nextAttemptAt" <= now())) AS "due"
        FROM "BillingEvent"
       WHERE "stripeCustomerId" = ${customerId} AND "status" IN ('RECEIVED', 'PROCESSING', 'FAILED')`;
    const claimId = randomUUID();
    if (state?.live) return "busy";
    if (!state?.pending) return { claimId, ids: [] };
    if (!state.due) return "not_due";
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "BillingEvent"
         SET "status" = 'PROCESSING', "attempts" = "attempts" + 1, "nextAttemptAt" = NULL, "claimId" = ${claimId},
             "lockedUntil" = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE "stripeCustomerId" = ${customerId} AND "status" IN ('RECEIVED', 'FAILED')
      RETURNING "id"`;
    return { claimId, ids: claimed.map((row) => row.id) };
  });
}

/** The claim's rows, if still its own, PROCESSED (or IGNORED: no org has the customer); how many were. */
async function markDone(claim: Claim, result: SyncResult) {
  const ignored = result.status === "unknown_customer";
  const rows = await db.$executeRaw`
    UPDATE "BillingEvent"
       SET "status" = ${ignored ? "IGNORED" : "PROCESSED"}::"BillingEventStatus",
           "organizationId" = ${ignored ? null : result.organizationId},
           "lastError" = ${ignored ? "the customer belongs to no organization of this app" : null},
           "processedAt" = now(), "lockedUntil" = NULL, "claimId" = NULL, "nextAttemptAt" = NULL
     WHERE "claimId" = ${claim.claimId} AND "status" = 'PROCESSING'`;
  return { status: ignored ? ("ignored" as const) : ("processed" as const), rows };
}

/** One round: claim the customer's events (if due and free), sync once, mark the claim's rows if still its own. */
export async function processCustomerOnce(customerId: string, opts: { sync?: Sync; due?: DueWindow } = {}): Promise<ProcessOutcome> {
  const claim = await claimCustomer(customerId, opts.due ?? window());
  if (claim === "busy" || claim === "not_due") return { status: claim, customerId };
  if (!claim.ids.length) return { status: "idle", customerId };
  const events = claim.ids.length;
  const superseded = () => {
    logger.warn("billing events: the claim's lease ran out during the sync and was taken over; its result is dropped", { customerId, events });
    return { status: "superseded" as const, customerId, events };
  };
  let result: SyncResult;
  try {
    result = await (opts.sync ?? syncStripeCustomer)(customerId);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const ours = Prisma.sql`"status" = 'PROCESSING' AND "claimId" = ${claim.claimId}`;
    if (!(await db.$transaction((tx) => failRows(tx, customerId, ours, message)))) return superseded();
    return { status: "failed", customerId, events, error: message };
  }
  const done = await markDone(claim, result);
  if (!done.rows) return superseded();
  return { status: done.status, customerId, events };
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
 * After-response runs processing at once in this process: BILLING_EVENT_CONCURRENCY. Up to
 * AFTER_RESPONSE_QUEUE_PER_SLOT × that many more wait for a slot; a run past that is skipped (its
 * events stay pending for the drain, which works through them a few at a time).
 */
export const AFTER_RESPONSE_QUEUE_PER_SLOT = 16;
const afterResponseSlots = new Slots(() => env.BILLING_EVENT_CONCURRENCY, () => env.BILLING_EVENT_CONCURRENCY * AFTER_RESPONSE_QUEUE_PER_SLOT);

/** Customers this process has a debounce timer for; every task of one customer shares one run. */
const scheduled = new Map<string, { timer: NodeJS.Timeout; firstAt: number; run: Promise<ProcessOutcome[]>; fire: () => void }>();

/**
 * What runs after a queued delivery has been answered: a trailing debounce per customer in this
 * process — each new event of the customer restarts its timer (never past BILLING_EVENT_MAX_WAIT_MS
 * from the first), and every delivery's task awaits the one run it ends in. The run processes the
 * customer if the database says it is due (events may have reached other instances), once it
 * has one of this process's after-response slots (or not at all, see above). Never throws: a failed sync is recorded on the events; anything else is logged and left to the drain.
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
            OR (${LEASE_RAN_OUT}))
     GROUP BY "stripeCustomerId"
    HAVING bool_or("status" <> 'RECEIVED') -- a failed event's backoff has come, or a lease ran out (the claim fails it)
        OR max("receivedAt") <= now() - make_interval(secs => ${due.debounceMs / 1000})
        OR min("receivedAt") <= now() - make_interval(secs => ${due.maxWaitMs / 1000})
     ORDER BY min("receivedAt")
     LIMIT ${limit}`;
  return rows.map((row) => row.customerId);
}
