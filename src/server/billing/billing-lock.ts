import { kv } from "~/server/clients/redis";
import { AppError } from "~/server/errors";

/** Longer than any billing action takes; a crashed holder's lock expires after it. */
const LOCK_SECONDS = 60;

/**
 * Runs one billing change for an org at a time, across instances (the lock is in Redis, so no
 * database connection is held while Stripe answers). A second concurrent change is refused with
 * CONFLICT instead of queueing behind the first: the first click's result is what the user sees.
 */
export async function withBillingLock<T>(organizationId: string, action: () => Promise<T>): Promise<T> {
  const key = `billing-lock:${organizationId}`;
  if ((await kv.incrWithTtl(key, 1, LOCK_SECONDS)) !== 1) {
    throw new AppError("CONFLICT", "Another billing change for this organization is in progress. Try again in a moment.", {
      details: { reason: "billing_change_in_progress" },
    });
  }
  try {
    return await action();
  } finally {
    await kv.del(key);
  }
}
