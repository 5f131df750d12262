/**
 * The webhook event drain as QStash drives it: a job worked in rounds, one live run at a time
 * (round-job.ts). A customer's failed sync is not a failed delivery: it is recorded on its
 * events and retried after their backoff.
 */
import { drainBillingEvents } from "~/server/jobs/billing-events";
import { type QStashDelivery } from "~/server/jobs/job-delivery";
import { JOB_PATHS } from "~/server/jobs/job-routes";
import { handleRoundDelivery, ROUND_LEASE_SECONDS } from "~/server/jobs/round-job";
import { sendEnqueuedNotifications } from "~/server/notifications/after-response";

export const DRAIN_LEASE_NAME = "billing-events-drain";
export const DRAIN_LEASE_SECONDS = ROUND_LEASE_SECONDS;

/**
 * The syncs enqueue billing emails: they go out now rather than at the sender's next minute
 * (sendEnqueuedNotifications never throws; what it misses stays due for the sender job).
 */
const drainThenSend = (drain: { budgetMs?: number }) => async () => {
  const result = await drainBillingEvents(drain);
  await sendEnqueuedNotifications();
  return { ...result };
};

/** `drain` options are for tests (a budget of 0 makes a call that only says whether more remain). */
export function handleBillingEventsDelivery(delivery: QStashDelivery, drain: { budgetMs?: number } = {}) {
  return handleRoundDelivery(
    { job: "billing-events", path: JOB_PATHS.billingEvents, leaseName: DRAIN_LEASE_NAME, work: drainThenSend(drain) },
    delivery,
  );
}
