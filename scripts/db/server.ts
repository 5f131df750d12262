import pg from "pg";
import { adminUrl, databaseName, quoteIdent } from "./paths";

export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database named in `url`; returns false when it already existed. */
export async function createDatabase(url: string): Promise<boolean> {
  try {
    await withClient(adminUrl(url), (c) => c.query(`CREATE DATABASE ${quoteIdent(databaseName(url))}`));
    return true;
  } catch (err) {
    // 42P04: exists. 23505: a concurrent CREATE DATABASE of the same name won the race.
    const code = pgErrorCode(err);
    if (code === "42P04" || code === "23505") return false;
    throw err;
  }
}

export async function dropDatabase(url: string): Promise<void> {
  await withClient(adminUrl(url), (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`));
}
