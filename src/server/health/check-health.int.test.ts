import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { checkHealth } from "./check-health";
import { health } from "~/server/rest/health";

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
});
