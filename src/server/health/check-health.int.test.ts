import net from "node:net";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { checkHealth } from "./check-health";
import { createDbProbe } from "./db-probe";
import { health } from "~/server/rest/health";

const redisOk = () => Promise.resolve("PONG");

describe("GET /health", () => {
  it("answers 200 with db and redis ok against the real services", async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", db: "ok", redis: "ok" });
  });

  it("names what is down, including a store that hangs past the timeout", async () => {
    // A live connection first, so the real database answers well within the limit even on a busy machine.
    await db.$queryRaw`SELECT 1`;
    const result = await checkHealth({
      pingDb: () => db.$queryRaw`SELECT 1`,
      pingRedis: () => new Promise(() => undefined),
      timeoutMs: 1000,
    });
    expect(result.ok).toBe(false);
    expect(result.body).toEqual({ status: "degraded", db: "ok", redis: "down", down: ["redis"] });
  });

  it("says the database is up while every connection of the app's pool is busy", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Each transaction holds one pooled connection until the gate opens, as stalled requests would.
    const holders = Array.from({ length: env.DATABASE_POOL_MAX }, () =>
      db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT 1`;
          await gate;
        },
        { maxWait: 20_000, timeout: 20_000 },
      ),
    );
    try {
      await new Promise((r) => setTimeout(r, 1000));
      // Saturated: a query through the app's pool does not get a connection.
      const through = await Promise.race([db.$queryRaw`SELECT 1`.then(() => "answered", () => "failed"), new Promise((r) => setTimeout(() => r("queued"), 700))]);
      expect(through).not.toBe("answered");

      const res = await health();
      expect(await res.json()).toEqual({ status: "ok", db: "ok", redis: "ok" });
      expect(res.status).toBe(200);
    } finally {
      release();
      await Promise.all(holders);
    }
  });

  describe("a database that does not answer is down", () => {
    const probes: ReturnType<typeof createDbProbe>[] = [];
    // Accepts connections and never speaks PostgreSQL.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(probes.map((p) => p.end().catch(() => undefined)));
      await new Promise((r) => silent.close(r));
    });

    it("when nothing listens at its address", async () => {
      const free = net.createServer();
      const port = await new Promise<number>((r) => free.listen(0, "127.0.0.1", () => r((free.address() as net.AddressInfo).port)));
      await new Promise((r) => free.close(r));
      const probe = createDbProbe(`postgresql://postgres@127.0.0.1:${port}/nope`, 500);
      probes.push(probe);
      const result = await checkHealth({ pingDb: probe.ping, pingRedis: redisOk, timeoutMs: 1000 });
      expect(result.body).toEqual({ status: "degraded", db: "down", redis: "ok", down: ["db"] });
    });

    it("when the server accepts connections but never answers, within the probe's timeout", async () => {
      const port = await new Promise<number>((r) => silent.listen(0, "127.0.0.1", () => r((silent.address() as net.AddressInfo).port)));
      const probe = createDbProbe(`postgresql://postgres@127.0.0.1:${port}/nope`, 300);
      probes.push(probe);
      const started = Date.now();
      // A generous outer limit: the probe's own timeout must be what ends it.
      const result = await checkHealth({ pingDb: probe.ping, pingRedis: redisOk, timeoutMs: 5000 });
      expect(result.body.db).toBe("down");
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it("shares one probe among concurrent checks, so a slow answer is not a queue of timeouts", async () => {
      // Each answer takes 300 ms: ten queued on the one connection would take 3 s, past 1 s.
      const probe = createDbProbe(env.DATABASE_URL, 1000, { applicationName: "vantflow-health-shared", query: "SELECT pg_sleep(0.3)" });
      probes.push(probe);
      const results = await Promise.all(Array.from({ length: 10 }, () => checkHealth({ pingDb: probe.ping, pingRedis: redisOk, timeoutMs: 2000 })));
      expect(results.map((r) => r.body.db)).toEqual(Array(10).fill("ok"));
    });

    it("when its connection was ended by the server, until it reconnects", async () => {
      // A name of its own: ending every "vantflow-health" session would hit other files' servers.
      const probe = createDbProbe(env.DATABASE_URL, 1000, { applicationName: "vantflow-health-ended", freshMs: 0 });
      probes.push(probe);
      await probe.ping();
      // The server ends the probes' sessions (they carry their own application name).
      const admin = new pg.Client({ connectionString: env.DATABASE_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ n: number }>(
          "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
          ["vantflow-health-ended"],
        );
        expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
      } finally {
        await admin.end();
      }
      await new Promise((r) => setTimeout(r, 200));
      // The dead connection was dropped: the next probe opens a new one and finds the database up.
      const result = await checkHealth({ pingDb: probe.ping, pingRedis: redisOk, timeoutMs: 2000 });
      expect(result.body.db).toBe("ok");
    });
  });
});
