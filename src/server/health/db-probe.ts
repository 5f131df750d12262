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

/** A database that answered this recently is reported up without asking again. */
const FRESH_MS = 1000;

/**
 * One probe at a time: concurrent health checks (the route is public) share the probe in flight
 * instead of queueing on the single connection, where the later ones would time out and say
 * "down" while the database is only busy; an answer younger than FRESH_MS is reused.
 */
export function createDbProbe(connectionString: string, timeoutMs: number, opts: { applicationName?: string; query?: string; freshMs?: number } = {}) {
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    application_name: opts.applicationName ?? DB_PROBE_APPLICATION_NAME,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    // A probe must never keep a process (a test, a build step) alive.
    allowExitOnIdle: true,
  });
  // An idle connection the server ended (restart, idle timeout) must not crash the process.
  pool.on("error", () => undefined);
  let inFlight: Promise<void> | null = null;
  let answeredAt = -Infinity;
  const ask = async () => {
    try {
      await pool.query(opts.query ?? "SELECT 1");
      answeredAt = performance.now();
    } finally {
      inFlight = null;
    }
  };
  return {
    ping: async () => {
      if (performance.now() - answeredAt < (opts.freshMs ?? FRESH_MS)) return;
      inFlight ??= ask();
      await inFlight;
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
