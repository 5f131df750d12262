import pg from "pg";
import { PROJECT_PATHS } from "../db/paths";
import { readLocalMigrations } from "../db/migrations-dir";
import { problem, reasonOf, SKIPPED, valueOf, type CheckOutcome, type PreflightConfig, type Problem } from "./problems";

type AppliedMigration = { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null };

/** Every committed migration applied and finished; a started-but-unfinished one blocks deploys. */
export function migrationProblems(applied: AppliedMigration[] | null, local: string[]): Problem[] {
  const fix = "run npm run prisma:migrate against it";
  if (applied === null) return [problem("DATABASE_URL", `the database has no migrations table (not migrated); ${fix}`)];
  const failed = applied.filter((m) => m.finished_at === null && m.rolled_back_at === null).map((m) => m.migration_name);
  if (failed.length) return [problem("DATABASE_URL", `migration(s) failed half-way: ${failed.join(", ")}; repair them (see README, Database and migrations)`)];
  const done = new Set(applied.filter((m) => m.finished_at !== null && m.rolled_back_at === null).map((m) => m.migration_name));
  const pending = local.filter((name) => !done.has(name));
  if (pending.length) return [problem("DATABASE_URL", `${pending.length} migration(s) not applied (${pending.join(", ")}); ${fix}`)];
  return [];
}

/** DATABASE_URL answers and holds every committed migration (read-only: it changes nothing). */
export async function checkDatabase(config: PreflightConfig, migrationsDir = PROJECT_PATHS.migrationsDir): Promise<CheckOutcome> {
  const url = valueOf(config, "DATABASE_URL");
  if (!url) return SKIPPED; // checkEnv names it
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const table = await client.query<{ name: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS name");
    const applied = table.rows[0]?.name
      ? (await client.query<AppliedMigration>("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations")).rows
      : null;
    return migrationProblems(applied, readLocalMigrations(migrationsDir).map((m) => m.name));
  } catch (error) {
    // The connection string holds the password: say what failed, never the URL.
    return [problem("DATABASE_URL", `PostgreSQL did not answer or refused: ${reasonOf(error)}`)];
  } finally {
    await client.end().catch(() => undefined);
  }
}
