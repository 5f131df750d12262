import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { PrismaClient } from "~/generated/prisma/client";
import { appPoolConfig, db } from "~/server/clients/db";
import { toAppError } from "~/server/errors";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { trpcHandler } from "~/server/api/trpc-handler";
import { jsonRoute } from "~/server/rest/json-route";

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("the app pool's session limits", () => {
  let holder: pg.Client;
  let orgId: string;

  beforeAll(async () => {
    orgId = (await db.organization.create({ data: { name: "Locked org" } })).id;
    holder = new pg.Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
  });

  it("gives every pooled connection the configured lock, statement and idle-in-transaction timeouts", async () => {
    // pg_settings gives these three in milliseconds, for this session.
    const rows = await db.$queryRaw<{ name: string; setting: string; unit: string }[]>`
      SELECT name, setting, unit FROM pg_settings
       WHERE name IN ('lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout')`;
    expect(rows.every((r) => r.unit === "ms")).toBe(true);
    expect(Object.fromEntries(rows.map((r) => [r.name, Number(r.setting)]))).toEqual({
      lock_timeout: env.DATABASE_LOCK_TIMEOUT_MS,
      statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    });
  });

  it("fails a write on a locked row after the lock timeout, as a 503 with Retry-After, and frees its connection", async () => {
    await holder.query("BEGIN");
    await holder.query(`UPDATE "Organization" SET name = 'held' WHERE id = $1`, [orgId]);
    try {
      const started = Date.now();
      // Five at once, as retried deliveries would: each gives up on its own, none waits for the holder.
      const errors = await Promise.all(
        Array.from({ length: 5 }, () => rejection(db.organization.update({ where: { id: orgId }, data: { name: "blocked" } }))),
      );
      const waited = Date.now() - started;
      // lock_timeout bounds each lock acquisition: the writer queued first waits for the holder,
      // the others for its row lock first and then for the holder, so a queue of writers gives up
      // within two lock timeouts, never the holder's 35 s.
      expect(waited).toBeGreaterThanOrEqual(env.DATABASE_LOCK_TIMEOUT_MS - 50);
      expect(waited).toBeLessThan(2 * env.DATABASE_LOCK_TIMEOUT_MS + 2000);
      for (const error of errors) {
        const mapped = toAppError(error);
        expect(mapped.code).toBe("UNAVAILABLE");
        expect(mapped.httpStatus).toBe(503);
        expect(mapped.details).toEqual({ reason: "lock_timeout" });
        expect(Number(mapped.headers["Retry-After"])).toBeGreaterThan(0);
      }

      // Through a route adapter the client sees the 503 and when to retry; the cause stays in the log.
      const route = jsonRoute(async () => {
        await db.$executeRaw`UPDATE "Organization" SET name = 'blocked' WHERE id = ${orgId}`;
        return Response.json({ ok: true });
      });
      const res = await route(new Request("http://localhost/x", { method: "POST" }));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ code: "UNAVAILABLE", reason: "lock_timeout" });

      // Through tRPC as well: 503 and the same Retry-After.
      const router = createTRPCRouter({
        rename: publicProcedure.mutation(() => db.organization.update({ where: { id: orgId }, data: { name: "blocked" } })),
      });
      const handler = trpcHandler({ router, createContext: async ({ headers, requestId }) => ({ headers, userId: null, requestId }) });
      const viaTrpc = await handler(
        new Request("http://localhost/api/trpc/rename", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://localhost" },
          body: JSON.stringify({ json: null }),
        }),
      );
      expect(viaTrpc.status).toBe(503);
      expect(Number(viaTrpc.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await holder.query("ROLLBACK");
    }
    // The blocked statements released their connections: the row is writable at once.
    await db.organization.update({ where: { id: orgId }, data: { name: "free again" } });
    expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).name).toBe("free again");
  });

  it("maps a statement cancelled by statement_timeout to a 503", async () => {
    const error = await rejection(
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL statement_timeout = 100`;
        await tx.$executeRaw`SELECT pg_sleep(2)`;
      }),
    );
    expect(toAppError(error)).toMatchObject({ code: "UNAVAILABLE", details: { reason: "statement_timeout" } });
  });
});

describe("a saturated app pool", () => {
  it("refuses a query that waited longer than the acquire timeout as a 503, instead of queueing without end", async () => {
    const small = new PrismaClient({ adapter: new PrismaPg({ ...appPoolConfig(), max: 2, connectionTimeoutMillis: 300 }) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    try {
      const holders = [0, 1].map(() =>
        small.$transaction(
          async (tx) => {
            await tx.$executeRaw`SELECT 1`;
            await gate;
          },
          { maxWait: 5000, timeout: 10_000 },
        ),
      );
      // Both connections are taken once each transaction has run its first statement.
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      const error = await rejection(small.organization.count());
      expect(Date.now() - started).toBeLessThan(2000);
      expect(toAppError(error)).toMatchObject({ code: "UNAVAILABLE", details: { reason: "pool_timeout" } });
      release();
      await Promise.all(holders);
      // Freed: the same client answers again.
      expect(await small.organization.count()).toBeGreaterThan(0);
    } finally {
      release();
      await small.$disconnect();
    }
  });
});
