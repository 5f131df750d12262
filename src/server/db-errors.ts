/**
 * Which database failures mean "busy, retry" rather than "broken": the pool had no free connection
 * in time, a statement waited on a lock past `lock_timeout` (55P03), or ran past
 * `statement_timeout` / was cancelled (57014). Duck-typed on what Prisma's driver adapter throws,
 * so this module stays free of the generated client.
 */
export type DatabaseBusyReason = "lock_timeout" | "statement_timeout" | "pool_timeout";

const busyCodes: Record<string, DatabaseBusyReason> = { "55P03": "lock_timeout", "57014": "statement_timeout" };

/**
 * Prisma's own "could not get a connection in time" (P2024) and "could not start a transaction in
 * time" (P2028 with that message). P2028 also reports a transaction that ran past its own
 * timeout ("Transaction already closed"): that is our bug, a 500, not a busy database.
 */
const isPrismaBusy = (code: unknown, message: string) =>
  code === "P2024" || (code === "P2028" && message.includes("Unable to start a transaction"));

/** pg-pool's error when no connection became free within `connectionTimeoutMillis`. */
const POOL_TIMEOUT_MESSAGE = "timeout exceeded when trying to connect";

interface PrismaLikeError extends Error {
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: { code?: unknown; originalCode?: unknown } } };
}

export function databaseBusyReason(error: unknown): DatabaseBusyReason | null {
  if (!(error instanceof Error)) return null;
  const e = error as PrismaLikeError;
  if (e.message === POOL_TIMEOUT_MESSAGE || (e.cause instanceof Error && e.cause.message === POOL_TIMEOUT_MESSAGE)) return "pool_timeout";
  if (!e.name.startsWith("PrismaClient")) return null;
  const cause = e.meta?.driverAdapterError?.cause;
  const sqlState = cause?.originalCode ?? cause?.code;
  if (typeof sqlState === "string" && busyCodes[sqlState]) return busyCodes[sqlState];
  // Prisma also reports a statement or transaction it could not run in time in its message alone.
  for (const [code, reason] of Object.entries(busyCodes)) if (e.message.includes(`Code: \`${code}\``)) return reason;
  if (isPrismaBusy(e.code, e.message)) return "pool_timeout";
  return null;
}
