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
/** This process enqueued a notification since its sender last started a pass (the transaction may yet roll back: then the pass finds nothing). */
let enqueued = false;

/** Called by enqueueNotification: the request's after-response hook then sends. */
export function noteEnqueued() {
  enqueued = true;
}

/**
 * The after-response hook of every request that may enqueue (tRPC, the webhooks, REST): sends when
 * this process enqueued anything since the last pass, and is free otherwise (no query).
 */
export function sendEnqueuedNotifications(): Promise<SendResult | null> {
  return enqueued ? sendNotificationsAfterResponse() : Promise.resolve(null);
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
        enqueued = false;
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
