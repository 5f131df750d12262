/** What every benchmark shares: a fresh PostgreSQL database, percentiles, and the result file. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deployMigrations } from "../db/deploy";
import { withDatabase } from "../db/paths";
import { dropDatabase } from "../db/server";
import { postgresAnswers, startEmbeddedPostgres } from "../lib/postgres";

export const root = resolve(import.meta.dirname, "../..");

/**
 * A migrated database of its own on the machine's PostgreSQL (TEST_DATABASE_ADMIN_URL or
 * 127.0.0.1:5432), else the embedded one; `drop()` removes it (and stops an embedded server).
 */
export async function benchDatabase(name: string) {
  const machine = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const embedded = (await postgresAnswers(machine)) ? null : await startEmbeddedPostgres({ dir: join(root, ".data/test-postgres"), port: 54330, log: () => {} });
  const admin = embedded ? embedded.url("postgres") : machine;
  const url = withDatabase(admin, `vantflow_bench_${name}_${Date.now()}`);
  await deployMigrations(url);
  return {
    url,
    async drop() {
      await dropDatabase(url);
      await embedded?.stop();
    },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Latency percentiles (ms) of `samples` and the throughput over `wallMs`. */
export function summary(name: string, samples: number[], wallMs: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    count: samples.length,
    p50Ms: +percentile(sorted, 50).toFixed(2),
    p95Ms: +percentile(sorted, 95).toFixed(2),
    p99Ms: +percentile(sorted, 99).toFixed(2),
    perSecond: +((samples.length / wallMs) * 1000).toFixed(1),
  };
}

/** Writes `.bench/<name>.json`. */
export function writeResult(name: string, result: unknown) {
  mkdirSync(join(root, ".bench"), { recursive: true });
  writeFileSync(join(root, `.bench/${name}.json`), JSON.stringify(result, null, 2));
}
