/**
 * A job that works a backlog in rounds, as QStash drives it (the webhook event drain, the
 * notification sender). The every-minute schedule's delivery (body `{}`) starts a run whose id is
 * its message id; a call that ran out of time with work still due enqueues the run's next round,
 * published under a deduplication id made of the run and the round, so however often a delivery
 * runs (at least once; a crash makes QStash retry), each round is enqueued once. A message
 * already handled is not run again (job-delivery.ts).
 * One run at a time: a call takes (or, for its run's next round, renews) the job's lease, held by
 * the run id until the run ends; a delivery of another run while the lease is live — the
 * every-minute schedule during a backlog — exits at once (200, nothing done). A run that crashed
 * loses the lease when it expires, and the next schedule starts a new one. A run's first round
 * also forgets the job's old done deliveries: an every-minute job writes 1,440 a day.
 */
import { z } from "zod";
import { env } from "~/env";
import { qstash } from "~/server/clients/qstash";
import { type JobOutcome, pruneDoneDeliveries, type QStashDelivery, runDeliveryOnce } from "~/server/jobs/job-delivery";
import { releaseLease, takeLease } from "~/server/jobs/job-lease";
import { jobUrl } from "~/server/jobs/job-routes";

/** Rounds one run may chain; past it the next minute's schedule starts a new run. */
export const MAX_ROUNDS = 100;
/** A run's lease: a call's limit (the route's maxDuration, 300 s) plus time for QStash to deliver the next round. */
export const ROUND_LEASE_SECONDS = 360;

const id = z.string().min(1).max(128);
export const roundMessage = z.strictObject({ runId: id.optional(), round: z.number().int().min(1).max(MAX_ROUNDS).optional() });

/** What JobDelivery.result stores: every value flat. */
type Flat = Record<string, string | number | boolean>;

export interface RoundJob {
  /** The JobDelivery job name and the deduplication ids' prefix. */
  job: string;
  /** The route's path (JOB_PATHS), where the next round is published. */
  path: string;
  leaseName: string;
  /** One round's work; `more` says whether work is still due when it stopped. */
  work: () => Promise<Flat & { more: boolean }>;
}

export function handleRoundDelivery(spec: RoundJob, delivery: QStashDelivery) {
  // Parsed before anything is recorded: a body that does not fit is a 400 with nothing written.
  const message = roundMessage.parse(delivery.body);
  return runDeliveryOnce(spec.job, delivery.messageId, async (): Promise<JobOutcome<Flat>> => {
    const runId = message.runId ?? delivery.messageId;
    const round = message.round ?? 1;
    if (!(await takeLease(spec.leaseName, runId, ROUND_LEASE_SECONDS))) {
      return { ok: true as const, result: { runId, round, skipped: "another_run_is_live" } };
    }
    const pruned = round === 1 ? await pruneDoneDeliveries(spec.job) : 0;
    const done = await spec.work();
    const continued = done.more && round < MAX_ROUNDS;
    if (continued) {
      await qstash().publishJSON({
        url: jobUrl(spec.path, env.APP_URL),
        body: { runId, round: round + 1 },
        deduplicationId: `${spec.job}.${runId}.round.${round + 1}`,
      });
      // Renewed so the lease covers the wait for the next round.
      await takeLease(spec.leaseName, runId, ROUND_LEASE_SECONDS);
    } else {
      await releaseLease(spec.leaseName, runId);
    }
    return { ok: true as const, result: { runId, round, ...done, continued, pruned } };
  });
}
