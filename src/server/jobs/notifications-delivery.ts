/**
 * The outbox sender as QStash drives it (the backstop of sendNotificationsAfterResponse): the
 * every-minute schedule's delivery (body `{}`) starts a run whose id is its message id; a call
 * that ran out of time with rows still due enqueues the run's next round under a deduplication id
 * of the run and the round, so each round is enqueued once however often a delivery runs. A
 * message already handled is not run again (job-delivery.ts). A failed send is not a failed
 * delivery: it is recorded on its row and retried after its backoff.
 * One run at a time (job-lease.ts): a delivery of another run while the lease is live exits at
 * once (200, nothing done); a crashed run's lease expires and the next schedule starts a new one.
 * Senders are safe to run concurrently anyway (claims skip locked rows); the lease keeps a
 * backlog from being worked by a new run every minute on top of the live one.
 */
import { z } from "zod";
import { env } from "~/env";
import { qstash } from "~/server/clients/qstash";
import { type JobOutcome, pruneDoneDeliveries, type QStashDelivery, runDeliveryOnce } from "~/server/jobs/job-delivery";
import { releaseLease, takeLease } from "~/server/jobs/job-lease";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";
import { sendDueNotifications } from "~/server/notifications/send";

const JOB = "notifications";
/** Rounds one run may chain; past it the next minute's schedule starts a new run. */
const MAX_ROUNDS = 100;
/** The sender's lease: a call's limit (the route's maxDuration) plus time for QStash to deliver the next round. */
export const SENDER_LEASE_NAME = "notifications-sender";
export const SENDER_LEASE_SECONDS = 360;

const id = z.string().min(1).max(128);
export const notificationsMessage = z.strictObject({ runId: id.optional(), round: z.number().int().min(1).max(MAX_ROUNDS).optional() });

/** `send` options are for tests (a budget of 0 makes a call that only says whether more remain). */
export function handleNotificationsDelivery(delivery: QStashDelivery, send: { budgetMs?: number } = {}) {
  // Parsed before anything is recorded: a body that does not fit is a 400 with nothing written.
  const message = notificationsMessage.parse(delivery.body);
  return runDeliveryOnce(JOB, delivery.messageId, async (): Promise<JobOutcome<Record<string, string | number | boolean>>> => {
    const runId = message.runId ?? delivery.messageId;
    const round = message.round ?? 1;
    if (!(await takeLease(SENDER_LEASE_NAME, runId, SENDER_LEASE_SECONDS))) {
      return { ok: true as const, result: { runId, round, skipped: "another_run_is_live" as const } };
    }
    // A run's first round also forgets this job's old done deliveries: it writes 1,440 a day.
    const pruned = round === 1 ? await pruneDoneDeliveries(JOB) : 0;
    const sent = await sendDueNotifications(send);
    const continued = sent.more && round < MAX_ROUNDS;
    if (continued) {
      await qstash().publishJSON({
        url: jobUrl(JOB_PATHS.notifications, env.APP_URL),
        body: { runId, round: round + 1 },
        deduplicationId: `${JOB}.${runId}.round.${round + 1}`,
      });
      // Renewed so the lease covers the wait for the next round.
      await takeLease(SENDER_LEASE_NAME, runId, SENDER_LEASE_SECONDS);
    } else {
      await releaseLease(SENDER_LEASE_NAME, runId);
    }
    return { ok: true as const, result: { runId, round, ...sent, continued, pruned } };
  });
}
