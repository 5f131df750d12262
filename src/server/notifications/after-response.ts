/**
 * The sender run right after a response whose transaction enqueued notifications (the caller
 * hands it to `after()` or equivalent), so an email goes out in seconds rather than at the next
 * minute's job. One run per process at a time, `SEND_CONCURRENCY` sends at once: a call while a
 * run is live asks it for one more pass (which sees the rows committed since) and awaits it.
 * Never throws: whatever it misses stays due for the job (POST /api/jobs/notifications).
 */
import { logger } from "~/server/logger";
import { sendDueNotifications, type SendResult } from "~/server/notifications/send";

/** A run after a response is short: a backlog is the job's (it has 300 s and one run at a time). */
export const AFTER_RESPONSE_BUDGET_MS = 20_000;

let running: Promise<SendResult | null> | null = null;
let again = false;
/**
 * How long after an enqueue the after-response hooks keep running the sender. Longer than any
 * transaction that enqueues may stay open (the sync's is bounded at 30 s): a flag cleared by a pass
 * would miss rows whose transaction had not committed when that pass looked.
 */
export const ENQUEUED_WINDOW_MS = 60_000;
/** When this process last enqueued a notification (ms; 0 never). The transaction may yet roll back: then a pass finds nothing. */
let lastEnqueuedAt = 0;

/** Called by enqueueNotification (and again after a commit, by callers that know it): the after-response hooks then send. */
export function noteEnqueued() {
  lastEnqueuedAt = Date.now();
}

/**
 * The after-response hook of every request that may enqueue (tRPC, the webhooks, REST): runs the
 * sender while this process enqueued anything in the last ENQUEUED_WINDOW_MS, and is free
 * otherwise (no query). A pass started while the enqueueing transaction was still open cannot
 * see its rows; the hook after that transaction's response runs another.
 */
export function sendEnqueuedNotifications(): Promise<SendResult | null> {
  return Date.now() - lastEnqueuedAt < ENQUEUED_WINDOW_MS ? sendNotificationsAfterResponse() : Promise.resolve(null);
}

export function sendNotificationsAfterResponse(): Promise<SendResult | null> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      let result: SendResult;
      do {
        again = false;
        result = await sendDueNotifications({ budgetMs: AFTER_RESPONSE_BUDGET_MS });
      } while (again && !result.more);
      return result;
    } catch (error) {
      logger.error("notifications: sending after the response failed; the job will retry", { error });
      return null;
    } finally {
      running = null;
    }
  })();
  return running;
}
