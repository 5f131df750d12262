/**
 * The billing sync as QStash drives it. A delivery without a run id starts a run (the daily
 * schedule's body is `{}`), whose id is that delivery's message id. Each delivery syncs one batch
 * and enqueues the next (the chain), and hands the orgs that failed to a retry message. Every
 * follow-up carries the run id and is published under a deduplication id made of the run and the
 * cursor, so however often a delivery runs (QStash delivers at least once; a crash makes it
 * retry), each follow-up is enqueued once: one chain per run. A message already handled is not
 * run again (job-delivery.ts).
 */
import { z } from "zod";
import { env } from "~/env";
import { qstash } from "~/server/clients/qstash";
import { AppError } from "~/server/errors";
import { MAX_BATCH_SIZE, runBillingSync, syncOrganizations } from "~/server/jobs/billing-sync";
import { type QStashDelivery, runDeliveryOnce } from "~/server/jobs/job-delivery";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";
import { logger } from "~/server/logger";

const JOB = "billing-sync";
/** QStash retries a retry message this often while orgs in it fail, then gives up (its DLQ). */
export const ORG_RETRIES = 3;
/** Milliseconds before QStash's next attempt (`retried` = attempts so far): 1, 5, then 25 minutes. */
const ORG_RETRY_DELAY = "60000 * pow(5, retried)";

const id = z.string().min(1).max(128);
const batchMessage = z.strictObject({
  runId: id.optional(),
  cursor: id.nullish(),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(100),
});
const retryMessage = z.strictObject({ runId: id, organizationIds: z.array(id).min(1).max(MAX_BATCH_SIZE) });
export const billingSyncMessage = z.union([retryMessage, batchMessage]);
type BatchMessage = z.infer<typeof batchMessage>;
type RetryMessage = z.infer<typeof retryMessage>;

/** Publishes a follow-up to this job's public URL; a repeat of its deduplication id is dropped by QStash. */
function enqueue(body: BatchMessage | RetryMessage, deduplicationId: string, retry?: { retries: number; retryDelay: string }) {
  return qstash().publishJSON({ url: jobUrl(JOB_PATHS.billingSync, env.APP_URL), body, deduplicationId, ...retry });
}

async function runBatch(message: BatchMessage, messageId: string) {
  const runId = message.runId ?? messageId;
  const batch = await runBillingSync(message);
  if (batch.nextCursor) {
    await enqueue({ runId, cursor: batch.nextCursor, batchSize: message.batchSize }, `${JOB}.${runId}.batch.${batch.nextCursor}`);
  }
  const failed = batch.failed.map((f) => f.organizationId);
  if (failed.length) {
    await enqueue({ runId, organizationIds: failed }, `${JOB}.${runId}.retry.${message.cursor ?? "start"}`, {
      retries: ORG_RETRIES,
      retryDelay: ORG_RETRY_DELAY,
    });
  }
  return { ok: true as const, result: { runId, synced: batch.synced, failed, nextCursor: batch.nextCursor } };
}

async function runRetry(message: RetryMessage, retried: number) {
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
  return { ok: false as const, result, error };
}

/** One QStash delivery to POST /api/jobs/billing-sync: a batch of the run, or a retry of failed orgs. */
export function handleBillingSyncDelivery(delivery: QStashDelivery) {
  // Parsed before anything is recorded: a body that does not fit is a 400 with nothing written.
  const message = billingSyncMessage.parse(delivery.body);
  return runDeliveryOnce(JOB, delivery.messageId, () =>
    "organizationIds" in message ? runRetry(message, delivery.retried) : runBatch(message, delivery.messageId),
  );
}
