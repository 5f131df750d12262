import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { compareCatalogs, readCatalog } from "./catalog";
import { deployMigrations } from "./deploy";
import { readLocalMigrations } from "./migrations-dir";
import { diffDatamodels, hasStatements } from "./prisma-diff";
import { adminUrl, PROJECT_PATHS, withDatabase, type MigrationPaths } from "./paths";
import { createDatabase, dropDatabase, withClient } from "./server";

/**
 * Builds one throwaway database from the committed migrations and one straight from schema.prisma
 * (on the server of `url`), and compares their catalogs. Returns the problems; empty means the
 * migrations produce exactly the schema. Both databases are always dropped.
 */
export async function checkMigrations(url: string, paths: MigrationPaths = PROJECT_PATHS): Promise<string[]> {
  const problems: string[] = [];
  const server = adminUrl(url);
  const schema = await readFile(paths.schema, "utf8");
  const hasMigrations = readLocalMigrations(paths.migrationsDir).length > 0;
  const snapshot = existsSync(paths.snapshot) ? await readFile(paths.snapshot, "utf8") : null;

  const [fullSql, snapshotSql] = await Promise.all([
    diffDatamodels(null, schema, server),
    snapshot === null ? null : diffDatamodels(snapshot, schema, server),
  ]);
  if (hasMigrations && snapshot === null) problems.push(`${paths.snapshot} is missing.`);
  if (snapshotSql !== null && hasStatements(snapshotSql)) {
    problems.push(`schema.prisma differs from the snapshot of the last migration; run \`create <name>\`. Pending SQL:\n${snapshotSql}`);
  }

  const tag = `vantflow_check_${process.pid}_${randomBytes(4).toString("hex")}`;
  const migratedUrl = withDatabase(url, `${tag}_migrations`);
  const expectedUrl = withDatabase(url, `${tag}_schema`);
  try {
    await Promise.all([createDatabase(migratedUrl), createDatabase(expectedUrl)]);
    try {
      await deployMigrations(migratedUrl, { createDatabase: false, migrationsDir: paths.migrationsDir });
    } catch (err) {
      problems.push(`Applying the migrations to an empty database failed: ${err instanceof Error ? err.message : String(err)}`);
      return problems;
    }
    await withClient(expectedUrl, (c) => c.query(fullSql));
    const [migrated, expected] = await Promise.all([withClient(migratedUrl, readCatalog), withClient(expectedUrl, readCatalog)]);
    const differences = compareCatalogs(migrated, expected);
    if (differences.length > 0) {
      problems.push(`The migrations do not produce the database schema.prisma describes:\n${differences.join("\n")}`);
    }
    return problems;
  } finally {
    await Promise.all([dropDatabase(migratedUrl), dropDatabase(expectedUrl)]);
  }
}
