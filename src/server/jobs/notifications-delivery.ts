/**
 * The outbox sender as QStash drives it (the backstop of sendNotificationsAfterResponse): a job
 * worked in rounds, one live run at a time (round-job.ts). A failed send is not a failed
 * delivery: it is recorded on its row and retried after its backoff. Senders are safe to run
 * concurrently anyway (claims skip locked rows); the lease keeps a backlog from being worked by a
 * new run every minute on top of the live one. Each round first enqueues the emails of usage
 * alerts whose recording call could not (alert-emails.ts), so they are sent in the same round.
 */
import { type QStashDelivery } from "~/server/jobs/job-delivery";
import { JOB_PATHS } from "~/server/jobs/job-routes";
import { handleRoundDelivery, ROUND_LEASE_SECONDS } from "~/server/jobs/round-job";
import { sendDueNotifications } from "~/server/notifications/send";
import { enqueuePendingAlertEmails } from "~/server/usage/alert-emails";

export const SENDER_LEASE_NAME = "notifications-sender";
export const SENDER_LEASE_SECONDS = ROUND_LEASE_SECONDS;

/** `send` options are for tests (a budget of 0 makes a call that only says whether more remain). */
export function handleNotificationsDelivery(delivery: QStashDelivery, send: { budgetMs?: number } = {}) {
  return handleRoundDelivery(
    { job: "notifications", path: JOB_PATHS.notifications, leaseName: SENDER_LEASE_NAME, work: async () => {
        const pending = await enqueuePendingAlertEmails();
        return { ...(await sendDueNotifications(send)), alertsEnqueued: pending.alerts };
      },
    },
    delivery,
  );
}
