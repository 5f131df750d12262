/**
 * The drain as QStash drives it: the every-minute schedule's delivery (body `{}`) starts a run
 * whose id is its message id; a call that ran out of time with customers still due enqueues the
 * run's next round, published under a deduplication id made of the run and the round, so however
 * often a delivery runs (at least once; a crash makes QStash retry), each round is enqueued once.
 * A message already handled is not run again (job-delivery.ts). A customer's failed sync is not a
 * failed delivery: it is recorded on its events and retried after their backoff.
 * One run at a time: a call takes (or, for its run's next round, renews) the drain's lease, held
 * by the run id until the run ends; a delivery of another run while the lease is live — the
 * every-minute schedule during a backlog — exits at once (200, nothing done). A run that crashed
 * loses the lease when it expires, and the next schedule starts a new one.
 */
import { z } from "zod";
import { env } from "~/env";
import { qstash } from "~/server/clients/qstash";
import { drainBillingEvents } from "~/server/jobs/billing-events";
import { type JobOutcome, pruneDoneDeliveries, type QStashDelivery, runDeliveryOnce } from "~/server/jobs/job-delivery";
import { releaseLease, takeLease } from "~/server/jobs/job-lease";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";

const JOB = "billing-events";
/** Rounds one run may chain; past it the next minute's schedule starts a new run. */
const MAX_ROUNDS = 100;
/** The drain's lease: a call's limit (the route's maxDuration) plus time for QStash to deliver the next round. */
export const DRAIN_LEASE_NAME = "billing-events-drain";
export const DRAIN_LEASE_SECONDS = 360;

const id = z.string().min(1).max(128);
export const billingEventsMessage = z.strictObject({ runId: id.optional(), round: z.number().int().min(1).max(MAX_ROUNDS).optional() });

/** `drain` options are for tests (a budget of 0 makes a call that only says whether more remain). */
export function handleBillingEventsDelivery(delivery: QStashDelivery, drain: { budgetMs?: number } = {}) {
  // Parsed before anything is recorded: a body that does not fit is a 400 with nothing written.
  const message = billingEventsMessage.parse(delivery.body);
  // The run's summary, or a note that another run was live (every value flat, as JobDelivery.result stores it).
  return runDeliveryOnce(JOB, delivery.messageId, async (): Promise<JobOutcome<Record<string, string | number | boolean>>> => {
    const runId = message.runId ?? delivery.messageId;
    const round = message.round ?? 1;
    if (!(await takeLease(DRAIN_LEASE_NAME, runId, DRAIN_LEASE_SECONDS))) {
      return { ok: true as const, result: { runId, round, skipped: "another_run_is_live" as const } };
    }
    // A run's first round also forgets this job's old done deliveries: it writes 1,440 a day.
    const pruned = round === 1 ? await pruneDoneDeliveries(JOB) : 0;
    const drained = await drainBillingEvents(drain);
    const continued = drained.more && round < MAX_ROUNDS;
    if (continued) {
      await qstash().publishJSON({
        url: jobUrl(JOB_PATHS.billingEvents, env.APP_URL),
        body: { runId, round: round + 1 },
        deduplicationId: `${JOB}.${runId}.round.${round + 1}`,
      });
      // Renewed so the lease covers the wait for the next round.
      await takeLease(DRAIN_LEASE_NAME, runId, DRAIN_LEASE_SECONDS);
    } else {
      await releaseLease(DRAIN_LEASE_NAME, runId);
    }
    return { ok: true as const, result: { runId, round, ...drained, continued, pruned } };
  });
}
