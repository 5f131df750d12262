import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { MigrationError } from "./deploy";
import { LOCK_FILE, LOCK_FILE_CONTENT, readLocalMigrations } from "./migrations-dir";
import { diffDatamodels, hasStatements } from "./prisma-diff";
import { PROJECT_PATHS, type MigrationPaths } from "./paths";

export interface CreatedMigration {
  name: string;
  file: string;
  sql: string;
}

/** Prisma's folder name: UTC timestamp, then the name in snake_case. */
export function migrationFolderName(name: string, now = new Date()): string {
  const snake = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!snake) throw new MigrationError(`"${name}" is not usable as a migration name.`);
  return `${now.toISOString().replace(/\D/g, "").slice(0, 14)}_${snake}`;
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL from the snapshot (the
 * schema as of the newest migration; empty when there are none) to prisma/schema.prisma, then
 * advances the snapshot. Returns null, creating nothing, when the datamodels do not differ.
 */
export async function createMigration(
  name: string,
  serverUrl: string,
  paths: MigrationPaths = PROJECT_PATHS,
): Promise<CreatedMigration | null> {
  const folder = migrationFolderName(name);
  const existing = readLocalMigrations(paths.migrationsDir);
  const last = existing.at(-1);
  if (last && !existsSync(paths.snapshot)) {
    throw new MigrationError(`${paths.snapshot} is missing, so the schema as of ${last.name} is unknown.`);
  }
  // Deploy applies folders in name order, so a new one must sort last.
  if (last && folder <= last.name) {
    throw new MigrationError(`New migration ${folder} would not sort after ${last.name}; check the clock.`);
  }

  const schema = await readFile(paths.schema, "utf8");
  const previous = last ? await readFile(paths.snapshot, "utf8") : null;
  const sql = await diffDatamodels(previous, schema, serverUrl);
  if (!hasStatements(sql)) return null;

  const file = path.join(paths.migrationsDir, folder, "migration.sql");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, sql);
  const lockFile = path.join(paths.migrationsDir, LOCK_FILE);
  if (!existsSync(lockFile)) await writeFile(lockFile, LOCK_FILE_CONTENT);
  await copyFile(paths.schema, paths.snapshot);
  return { name: folder, file, sql };
}
