import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface MigrationPaths {
  schema: string;
  migrationsDir: string;
  /** The schema as of the newest migration; outside migrationsDir, where Prisma treats every folder as a migration. */
  snapshot: string;
}

export const PROJECT_PATHS: MigrationPaths = {
  schema: path.join(ROOT, "prisma/schema.prisma"),
  migrationsDir: path.join(ROOT, "prisma/migrations"),
  snapshot: path.join(ROOT, "prisma/migrations-schema.snapshot.prisma"),
};
export const PRISMA6_CLI = path.join(ROOT, "node_modules/prisma-6/build/index.js");
export const PRISMA6_CONFIG = path.join(ROOT, "scripts/db/prisma6.config.ts");

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/vantflow";

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** The maintenance database, always present, from which databases are created and dropped. */
export function adminUrl(url: string): string {
  return withDatabase(url, "postgres");
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
