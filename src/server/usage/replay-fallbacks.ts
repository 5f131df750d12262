import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { replayIntoRedis } from "~/server/usage/meter";

/**
 * Adds the usage recorded in PostgreSQL while Redis was unreachable to the Redis counters, oldest
 * first, each row once (a crash between the add and the mark is answered by the marker on the
 * rerun). Runs before each flush; stops at the first failure (Redis still down) to try again later.
 */
export async function replayUsageFallbacks(batchSize = 500) {
  let replayed = 0;
  for (;;) {
    const rows = await db.usageFallback.findMany({ where: { replayedAt: null }, orderBy: { createdAt: "asc" }, take: batchSize });
    for (const row of rows) {
      await replayIntoRedis(row);
      await db.usageFallback.update({ where: { id: row.id }, data: { replayedAt: new Date() } });
      replayed++;
    }
    if (rows.length < batchSize) break;
  }
  if (replayed) logger.info("usage: fallback usage added back to Redis", { replayed });
  return replayed;
}
