import type { TestProject } from "vitest/node";
import { deployMigrations } from "../../scripts/db/deploy";
import { withDatabase } from "../../scripts/db/paths";
import { dropDatabase } from "../../scripts/db/server";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * Integration tests run against a PostgreSQL database created fresh for the run, with the
 * committed migrations applied, and dropped afterwards. The server is TEST_DATABASE_ADMIN_URL's
 * (the test command points it at the machine's PostgreSQL or an embedded one).
 */
export default async function setup(project: TestProject) {
  const admin = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `vantflow_test_${Date.now()}_${process.pid}`;
  const url = withDatabase(admin, name);
  await deployMigrations(url); // creates the database, then migrates it
  project.provide("databaseUrl", url);
  return async () => {
    if (!process.env.KEEP_TEST_DB) await dropDatabase(url);
  };
}
