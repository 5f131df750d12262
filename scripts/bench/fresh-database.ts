/**
 * A PostgreSQL database made fresh for one benchmark, with the committed migrations applied: on
 * the machine's server (TEST_DATABASE_ADMIN_URL or 127.0.0.1:5432) or, when none answers, the
 * embedded one. `drop()` removes it (and stops the embedded server).
 */
import { join, resolve } from "node:path";
import { deployMigrations } from "../db/deploy";
import { withDatabase } from "../db/paths";
import { dropDatabase } from "../db/server";
import { postgresAnswers, startEmbeddedPostgres } from "../lib/postgres";

const root = resolve(import.meta.dirname, "../..");

export async function freshBenchDatabase(prefix: string) {
  const machine = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const embedded = (await postgresAnswers(machine)) ? null : await startEmbeddedPostgres({ dir: join(root, ".data/test-postgres"), port: 54330, log: () => {} });
  const url = withDatabase(embedded ? embedded.url("postgres") : machine, `${prefix}_${Date.now()}`);
  await deployMigrations(url);
  return {
    url,
    async drop() {
      await dropDatabase(url);
      await embedded?.stop();
    },
  };
}
