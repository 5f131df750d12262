/**
 * QStash delivers at least once: the same message (same Upstash-Message-Id) can arrive again
 * after it was handled, or twice at once. Each message is recorded once by its id and claimed
 * with a lease in one statement (INSERT … ON CONFLICT DO UPDATE … WHERE), so it runs once at a
 * time and never again once done; a failed one runs again when QStash retries it, and one whose
 * holder died runs again once the lease has run out. A delivery that meets it in flight gets 409,
 * so QStash tries again later, by when it has finished.
 */
import { type Prisma } from "~/generated/prisma/client";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

/** Longer than one job call may run; a holder that crashed frees the message after this. */
const LEASE_SECONDS = 600;

/** One delivery of a QStash message to a job route, after its signature was verified. */
export interface QStashDelivery {
  messageId: string;
  /** Upstash-Retried: how often QStash has retried this message so far (0 on the first attempt). */
  retried: number;
  body: unknown;
}

/** What a job made of a message: done, or failed in part (the result is kept, QStash retries). */
export type JobOutcome<T extends Prisma.InputJsonValue> = { ok: true; result: T } | { ok: false; result: T; error: AppError };

export type DeliveryResponse<T> = { status: "done"; result: T } | { status: "duplicate" };

async function claim(job: string, messageId: string): Promise<boolean> {
  const claimed = await db.$queryRaw<{ attempts: number }[]>`
    INSERT INTO "JobDelivery" ("messageId", "job", "status", "attempts", "lockedUntil")
    VALUES (${messageId}, ${job}, 'RUNNING', 1, now() + make_interval(secs => ${LEASE_SECONDS}))
    ON CONFLICT ("messageId") DO UPDATE
       SET "status" = 'RUNNING', "attempts" = "JobDelivery"."attempts" + 1, "lockedUntil" = EXCLUDED."lockedUntil"
     WHERE "JobDelivery"."status" = 'FAILED' OR ("JobDelivery"."status" = 'RUNNING' AND "JobDelivery"."lockedUntil" < now())
    RETURNING "attempts"`;
  return claimed.length > 0;
}

/**
 * Runs `work` for this message unless it was done already. Whatever `work` throws, and a partial
 * failure it reports, mark the message FAILED (with the error and the result so far) and reach
 * QStash as a 5xx, so it retries.
 */
export async function runDeliveryOnce<T extends Prisma.InputJsonValue>(
  job: string,
  messageId: string,
  work: () => Promise<JobOutcome<T>>,
): Promise<DeliveryResponse<T>> {
  if (!(await claim(job, messageId))) {
    const row = await db.jobDelivery.findUniqueOrThrow({ where: { messageId }, select: { status: true } });
    if (row.status === "DONE") return { status: "duplicate" };
    // RUNNING under another delivery's lease (or FAILED just now by it): not ours to answer 200.
    throw new AppError("CONFLICT", "This message is being handled by another delivery.", { details: { reason: "delivery_in_progress" } });
  }
  let outcome: JobOutcome<T>;
  try {
    outcome = await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.jobDelivery.update({ where: { messageId }, data: { status: "FAILED", lastError: message.slice(0, 2000), lockedUntil: null } });
    throw error;
  }
  await db.jobDelivery.update({
    where: { messageId },
    data: outcome.ok
      ? { status: "DONE", result: outcome.result, lastError: null, lockedUntil: null, finishedAt: new Date() }
      : { status: "FAILED", result: outcome.result, lastError: outcome.error.message.slice(0, 2000), lockedUntil: null },
  });
  if (!outcome.ok) throw outcome.error;
  return { status: "done", result: outcome.result };
}

/**
 * Done deliveries are kept this long, well past the days QStash may still repeat a message, so a
 * repeat always finds its record. Failed ones are kept (they are what someone looks into).
 */
export const DONE_RETENTION_DAYS = 14;
/** Rows one prune removes: a bounded statement, however far behind it is. */
const PRUNE_CHUNK = 5000;

/** Forgets `job`'s done deliveries older than the retention, at most PRUNE_CHUNK of them per call. */
export function pruneDoneDeliveries(job: string, retentionDays = DONE_RETENTION_DAYS) {
  return db.$executeRaw`
    DELETE FROM "JobDelivery" WHERE ctid IN (
      SELECT ctid FROM "JobDelivery"
       WHERE "job" = ${job} AND "status" = 'DONE' AND "createdAt" < now() - make_interval(days => ${retentionDays})
       LIMIT ${PRUNE_CHUNK})`;
}
