import pg from "pg";
import { env } from "~/env";

/**
 * The database probe of /health, on a connection of its own: through the app's pool it would
 * queue behind requests that hold every connection (a stalled write held all 10 for 35 s and
 * /health said the database was down while it was only busy). One connection, kept open between
 * probes so a server at max_connections still answers it; a probe that cannot connect or get an
 * answer within `timeoutMs` means the database is down. A broken connection is dropped by the
 * pool and the next probe opens a new one.
 */
/** How the probe's session shows in pg_stat_activity. */
export const DB_PROBE_APPLICATION_NAME = "vantflow-health";

export function createDbProbe(connectionString: string, timeoutMs: number) {
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    application_name: DB_PROBE_APPLICATION_NAME,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    // A probe must never keep a process (a test, a build step) alive.
    allowExitOnIdle: true,
  });
  // An idle connection the server ended (restart, idle timeout) must not crash the process.
  pool.on("error", () => undefined);
  return {
    ping: async () => {
      await pool.query("SELECT 1");
    },
    end: () => pool.end(),
  };
}

/** Below /health's own 2 s limit, so a hung probe reports "down" rather than racing it. */
const PROBE_TIMEOUT_MS = 1500;

let probe: ReturnType<typeof createDbProbe> | undefined;

/** The process's probe of DATABASE_URL, opened at the first health check. */
export function pingDatabase() {
  probe ??= createDbProbe(env.DATABASE_URL, PROBE_TIMEOUT_MS);
  return probe.ping();
}
