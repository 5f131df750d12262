/**
 * Writes a batch of counters into UsageRecord in one statement (one round trip, however many
 * rows): the rows travel as four arrays through `unnest`, so the statement has five parameters
 * whatever the batch size.
 *
 * Invariants, and why:
 * - Absolute values: a row becomes the counter's value, never value + something, so a batch
 *   written twice (a rerun after a crash, a repeated delivery, a concurrent flush) changes
 *   nothing the second time.
 * - Ordered by the instant the values were read (Redis's clock, counter-snapshot.ts), kept in
 *   `flushedAt`: a row is only replaced by a value read at the same instant or later. So a slow
 *   flush that read earlier and writes late cannot put back an older value over a newer flush's.
 *   `GREATEST(quantity)` would not do: a counter may go down within a month (a reservation
 *   released, a settle below the estimate, an admin correction), and that value must win.
 * - Rows of organizations that no longer exist are left out instead of failing the batch on the
 *   foreign key. An organization deleted in the instant between that check and the insert still
 *   fails the statement (the foreign key stands): the flush fails, its route answers 5xx, and the
 *   retry no longer sees it. Locking each organization row here instead would cost a tuple lock
 *   per row of every batch, every hour, for a race that the retry absorbs.
 * - Rows are written in key order, so concurrent flushes take row locks in the same order and
 *   cannot deadlock on each other.
 */
import { db } from "~/server/clients/db";
import type { UsageRow } from "~/server/usage/counter-snapshot";

export async function writeUsageRecords(rows: UsageRow[], readAt: Date): Promise<{ written: number; orphaned: number }> {
  if (rows.length === 0) return { written: 0, orphaned: 0 };
  const [result] = await db.$queryRaw<{ written: number; known: number }[]>`
    WITH input AS (
      SELECT * FROM unnest(${rows.map((r) => r.organizationId)}::text[], ${rows.map((r) => r.metric)}::text[],
                           ${rows.map((r) => r.period)}::text[], ${rows.map((r) => r.quantity)}::bigint[])
        AS c("organizationId", "metric", "period", "quantity")
    ), known AS (
      SELECT i.* FROM input i WHERE EXISTS (SELECT 1 FROM "Organization" o WHERE o."id" = i."organizationId")
    ), written AS (
      INSERT INTO "UsageRecord" ("id", "organizationId", "metric", "period", "quantity", "flushedAt", "updatedAt")
      SELECT gen_random_uuid()::text, k."organizationId", k."metric", k."period", k."quantity", ${readAt}, now()
        FROM known k
       ORDER BY k."organizationId", k."metric", k."period"
      ON CONFLICT ("organizationId", "metric", "period") DO UPDATE
         SET "quantity" = EXCLUDED."quantity", "flushedAt" = EXCLUDED."flushedAt", "updatedAt" = EXCLUDED."updatedAt"
       WHERE "UsageRecord"."flushedAt" IS NULL OR "UsageRecord"."flushedAt" <= EXCLUDED."flushedAt"
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM written)::int AS "written", (SELECT count(*) FROM known)::int AS "known"`;
  return { written: result!.written, orphaned: rows.length - result!.known };
}
