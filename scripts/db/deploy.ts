import { randomUUID } from "node:crypto";
import pg from "pg";
import { checksumMatches, lockProvider, readLocalMigrations, type LocalMigration } from "./migrations-dir";
import { databaseName, PROJECT_PATHS } from "./paths";
import { createDatabase, pgErrorCode } from "./server";

/** A refusal or failure the operator has to act on; the message says what and how. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

export interface DeployOptions {
  migrationsDir?: string;
  /** Create the database when it does not exist, as `prisma migrate deploy` does. Default true. */
  createDatabase?: boolean;
  log?: (line: string) => void;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

// Byte for byte the table Prisma's schema engine creates, so `prisma migrate deploy`/`status`
// can take over the database later.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

// Prisma's own key, so this script and a real `prisma migrate` also exclude each other.
const LOCK_SQL = "SELECT pg_advisory_lock(72707369)";

// A script with its own BEGIN/COMMIT cannot be wrapped in ours (its COMMIT would end ours early).
// plpgsql's `BEGIN` is never followed by `;`, so function bodies do not match.
const OWN_TRANSACTION = /^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\s*;/im;

/**
 * Applies, in name order, every migration folder not yet recorded in `_prisma_migrations`, each in
 * its own transaction, under Prisma's advisory lock. Returns the names applied. Throws
 * MigrationError instead of applying anything when the history is broken.
 */
export async function deployMigrations(connectionString: string, opts: DeployOptions = {}): Promise<string[]> {
  const dir = opts.migrationsDir ?? PROJECT_PATHS.migrationsDir;
  const log = opts.log ?? (() => undefined);
  const provider = lockProvider(dir);
  if (provider !== null && provider !== "postgresql") {
    throw new MigrationError(`${dir}/migration_lock.toml names provider "${provider}", not "postgresql".`);
  }
  const local = readLocalMigrations(dir);

  const client = await connect(connectionString, opts.createDatabase ?? true, log);
  try {
    await client.query(LOCK_SQL);
    await ensureMigrationsTable(client);
    const { rows } = await client.query<MigrationRow>(
      "SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at",
    );
    assertHistoryIntact(rows, local, log);

    const applied = new Set(rows.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
    const done: string[] = [];
    for (const migration of local) {
      if (applied.has(migration.name)) continue;
      await applyMigration(client, migration);
      log(`Applied ${migration.name}`);
      done.push(migration.name);
    }
    return done;
  } finally {
    // Ending the session releases the advisory lock.
    await client.end().catch(() => undefined);
  }
}

async function connect(url: string, create: boolean, log: (line: string) => void): Promise<pg.Client> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      return client;
    } catch (err) {
      if (!create || attempt > 0 || pgErrorCode(err) !== "3D000") throw err;
    }
    if (await createDatabase(url)) log(`Created database ${databaseName(url)}`);
  }
}

async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ migrations: number; tables: number }>(
    `SELECT count(*) FILTER (WHERE tablename = '_prisma_migrations')::int AS migrations, count(*)::int AS tables
       FROM pg_tables WHERE schemaname = current_schema()`,
  );
  const row = rows[0];
  if (row && row.migrations > 0) return;
  // Prisma's P3005: migrations on top of tables they did not create would not describe the database.
  if (row && row.tables > 0) {
    throw new MigrationError(
      "The database schema is not empty and has no _prisma_migrations table. Baseline it first " +
        "(https://pris.ly/d/migrate-baseline) or use an empty database.",
    );
  }
  await client.query(CREATE_MIGRATIONS_TABLE);
}

function assertHistoryIntact(rows: MigrationRow[], local: LocalMigration[], log: (line: string) => void): void {
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed
      .map((r) => `  ${r.migration_name} (started ${r.started_at.toISOString()})${r.logs ? `:\n    ${r.logs.trim().replace(/\n/g, "\n    ")}` : ""}`)
      .join("\n");
    throw new MigrationError(
      `Found failed migrations in the database; nothing was applied.\n${details}\n` +
        "Repair the database, then mark each one rolled back (what `prisma migrate resolve --rolled-back <name>` does: " +
        "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL).",
    );
  }

  const byName = new Map(local.map((m) => [m.name, m]));
  const finished = rows.filter((r) => r.rolled_back_at === null);
  const changed = finished.filter((r) => {
    const m = byName.get(r.migration_name);
    return m !== undefined && !checksumMatches(m, r.checksum);
  });
  if (changed.length > 0) {
    throw new MigrationError(
      `These migrations were modified after they were applied; nothing was applied:\n${changed
        .map((r) => `  ${r.migration_name}`)
        .join("\n")}\nRestore their migration.sql, and put further changes into a new migration.`,
    );
  }
  for (const r of finished) {
    if (!byName.has(r.migration_name)) log(`Warning: ${r.migration_name} is applied in the database but missing locally.`);
  }
}

async function applyMigration(client: pg.Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  // Recorded before the script runs and outside its transaction, as Prisma does: a crash or error
  // leaves a row with finished_at NULL, which blocks later deploys until someone looks.
  await client.query(
    "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)",
    [id, migration.checksum, migration.name],
  );
  const wrap = !OWN_TRANSACTION.test(migration.script);
  try {
    if (wrap) await client.query("BEGIN");
    await client.query(migration.script);
    await client.query(
      "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1",
      [id],
    );
    if (wrap) await client.query("COMMIT");
  } catch (err) {
    // Also ends a transaction the script itself opened, so the failure can be recorded.
    await client.query("ROLLBACK").catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    const code = pgErrorCode(err);
    const logs = code ? `Database error code: ${code}\n\nDatabase error:\n${message}` : message;
    await client.query("UPDATE _prisma_migrations SET logs = $2 WHERE id = $1", [id, logs]);
    const outcome = wrap ? "was rolled back" : "manages its own transactions: check what it committed";
    throw new MigrationError(`Migration ${migration.name} failed and ${outcome}:\n${logs}`);
  }
}
