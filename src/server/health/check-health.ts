import { kv } from "~/server/clients/redis";
import { pingDatabase } from "~/server/health/db-probe";

type Status = "ok" | "down";

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<Status> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
      }),
    ]);
    return "ok";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}

interface HealthDeps {
  pingDb: () => Promise<unknown>;
  pingRedis: () => Promise<unknown>;
  timeoutMs?: number;
}

// The database is probed on a connection of its own, never through the app's pool (db-probe.ts).
const defaultDeps: HealthDeps = { pingDb: pingDatabase, pingRedis: () => kv.ping() };

/** Liveness of the two stores the app cannot work without. */
export async function checkHealth({ pingDb, pingRedis, timeoutMs = 2000 }: HealthDeps = defaultDeps) {
  const [dbStatus, redisStatus] = await Promise.all([probe(pingDb, timeoutMs), probe(pingRedis, timeoutMs)]);
  const ok = dbStatus === "ok" && redisStatus === "ok";
  return {
    ok,
    body: {
      status: ok ? "ok" : "degraded",
      db: dbStatus,
      redis: redisStatus,
      ...(ok ? {} : { down: [dbStatus === "down" && "db", redisStatus === "down" && "redis"].filter(Boolean) }),
    },
  };
}
