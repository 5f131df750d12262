import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";
import { env } from "~/env";
import { PrismaClient } from "~/generated/prisma/client";
import { scopeInteractiveTransactions } from "~/server/clients/transaction-scope";

/**
 * The app pool's bounds. Waiting for a free connection fails after `connectionTimeoutMillis`
 * instead of queueing without end; the session limits travel in the startup packet, so every
 * connection has them from its first statement: a statement waiting on a locked row gives up after
 * `lock_timeout` (55P03) and any statement after `statement_timeout` (57014) — both become a 503
 * with Retry-After (src/server/db-errors.ts) — and a transaction its holder forgot is ended by the
 * server. Without them one stalled write held every connection for 35 s. (`lock_timeout` bounds
 * each lock acquisition, so a writer queued behind another writer gives up within two of them.)
 */
export function appPoolConfig(connectionString = env.DATABASE_URL): PoolConfig {
  return {
    connectionString,
    max: env.DATABASE_POOL_MAX,
    connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS,
    statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
    lock_timeout: env.DATABASE_LOCK_TIMEOUT_MS,
    idle_in_transaction_session_timeout: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

function createPrismaClient() {
  const client = new PrismaClient({
    adapter: new PrismaPg(appPoolConfig()),
    // Query errors are handled (and logged, when unexpected) by the caller; Prisma would log
    // expected ones too, such as the unique violation behind a 409.
    log: env.NODE_ENV === "development" ? ["warn"] : [],
  });
  // So the Stripe client can refuse to be called inside one (clients/stripe.ts).
  return scopeInteractiveTransactions(client);
}

// One client per process: Next.js dev reloads modules, and each client holds a pool.
const globalForPrisma = globalThis as unknown as { prisma?: ReturnType<typeof createPrismaClient> };

export const db = globalForPrisma.prisma ?? createPrismaClient();
if (env.NODE_ENV !== "production") globalForPrisma.prisma = db;

export type Db = typeof db;
