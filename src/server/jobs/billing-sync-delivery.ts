/**
 * The billing sync as QStash drives it. A delivery without a run id starts a reconcile run (the
 * daily schedule's body is `{}`), whose id is that delivery's message id. Each delivery works on
 * the run until its budget is spent, enqueues the next call at the run's new position (the
 * chain), and hands the orgs that failed (as saved with the run, so a call that crashed after
 * saving them loses none) to retry messages of at most MAX_BATCH_SIZE orgs each, one deduplication
 * id per slice of that list. Every follow-up carries the run id
 * and is published under a deduplication id made of the run and the position, so however often a
 * delivery runs (QStash delivers at least once; a crash makes it retry), each follow-up is
 * enqueued once: one chain per run. A delivery whose position the run has left (it ran before)
 * only re-enqueues the run's current position, which deduplication drops. A message already
 * handled is not run again (job-delivery.ts).
 */
import { z } from "zod";
import { type Prisma } from "~/generated/prisma/client";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { qstash } from "~/server/clients/qstash";
import { AppError } from "~/server/errors";
import { reconcileCall } from "~/server/jobs/billing-reconcile";
import { MAX_BATCH_SIZE, syncOrganizations } from "~/server/jobs/billing-sync";
import { type QStashDelivery, runDeliveryOnce } from "~/server/jobs/job-delivery";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";
import { logger } from "~/server/logger";
import { alertOperators } from "~/server/notifications/operator-alerts";

const JOB = "billing-sync";
/** QStash retries a retry message this often while orgs in it fail, then gives up (its DLQ). */
export const ORG_RETRIES = 3;
/** Milliseconds before QStash's next attempt (`retried` = attempts so far): 1, 5, then 25 minutes. */
const ORG_RETRY_DELAY = "60000 * pow(5, retried)";

const id = z.string().min(1).max(128);
const batchMessage = z.strictObject({
  runId: id.optional(),
  /** The run's position this call starts from (`phase:cursor`); omitted: the start. */
  cursor: id.nullish(),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(100),
  /** Steps (list pages or apply batches) per call; tests set it small to prove continuation. */
  steps: z.number().int().min(1).max(10_000).optional(),
});
const retryMessage = z.strictObject({ runId: id, organizationIds: z.array(id).min(1).max(MAX_BATCH_SIZE) });
export const billingSyncMessage = z.union([retryMessage, batchMessage]);
type BatchMessage = z.infer<typeof batchMessage>;
type RetryMessage = z.infer<typeof retryMessage>;

/** Publishes a follow-up to this job's public URL; a repeat of its deduplication id is dropped by QStash. */
function enqueue(body: BatchMessage | RetryMessage, deduplicationId: string, retry?: { retries: number; retryDelay: string }) {
  return qstash().publishJSON({ url: jobUrl(JOB_PATHS.billingSync, env.APP_URL), body, deduplicationId, ...retry });
}

/**
 * Retry messages for the run's saved failures, in slices of MAX_BATCH_SIZE by position in the
 * saved list (it only grows). A slice published again with the same ids is dropped by QStash; a
 * last slice that has grown since is a new message, and its earlier orgs are synced once more (a
 * sync is idempotent).
 */
async function enqueueRetries(runId: string, organizationIds: string[]) {
  for (let from = 0; from < organizationIds.length; from += MAX_BATCH_SIZE) {
    const slice = organizationIds.slice(from, from + MAX_BATCH_SIZE);
    await enqueue({ runId, organizationIds: slice }, `${JOB}.${runId}.retry.${from}-${from + slice.length}`, { retries: ORG_RETRIES, retryDelay: ORG_RETRY_DELAY });
  }
}

async function runBatch(message: BatchMessage, messageId: string) {
  const runId = message.runId ?? messageId;
  const call = await reconcileCall(runId, { from: message.cursor, batchSize: message.batchSize, steps: message.steps });
  if (call.next) {
    await enqueue({ runId, cursor: call.next, batchSize: message.batchSize, steps: message.steps }, `${JOB}.${runId}.batch.${call.next}`);
  }
  await enqueueRetries(runId, call.failedOrgIds);
  const failed = call.failed.map((f) => f.organizationId);
  return { ok: true as const, result: { runId, failed, nextCursor: call.next, stale: call.stale } };
}

async function runRetry(message: RetryMessage, messageId: string, retried: number) {
  const { synced, failed } = await syncOrganizations(message.organizationIds);
  const result = { runId: message.runId, synced, failed: failed.map((f) => f.organizationId) };
  if (!failed.length) return { ok: true as const, result };
  const last = retried >= ORG_RETRIES;
  (last ? logger.error : logger.warn)(
    last ? "billing sync: organizations still failing after every retry; QStash gives up on them" : "billing sync: organizations still failing; QStash retries them",
    { runId: message.runId, attempt: retried + 1, failed },
  );
  const error = new AppError("INTERNAL", `${failed.length} organization(s) failed to sync from Stripe.`, {
    details: { reason: "organizations_failed", failed: result.failed },
  });
  // QStash will not deliver this message again: the operators hear of it once (per message).
  if (last) {
    await db.$transaction((tx) =>
      alertOperators(tx, {
        dedupeKey: `job:${JOB}:${messageId}:given_up`,
        summary: `The billing sync gave up on ${failed.length} organization(s)`,
        ids: { job: JOB, message: messageId, run: message.runId, organizations: result.failed.slice(0, 20).join(", ") + (failed.length > 20 ? ", …" : "") },
        lastError: failed.map((f) => f.error).join("; "),
      }),
    );
  }
  return { ok: false as const, result, error };
}

/** One QStash delivery to POST /api/jobs/billing-sync: a batch of the run, or a retry of failed orgs. */
export function handleBillingSyncDelivery(delivery: QStashDelivery) {
  // Parsed before anything is recorded: a body that does not fit is a 400 with nothing written.
  const message = billingSyncMessage.parse(delivery.body);
  return runDeliveryOnce<Prisma.InputJsonObject>(JOB, delivery.messageId, () =>
    "organizationIds" in message ? runRetry(message, delivery.messageId, delivery.retried) : runBatch(message, delivery.messageId),
  );
}
