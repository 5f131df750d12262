import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { memoryStore } from "~/server/clients/key-value-store";
import { createStore } from "~/server/clients/redis";
import { AppError } from "~/server/errors";
import { enforceRateLimit, rateLimits } from "~/server/security/rate-limit";
import { startRedisServer, untilStoreAnswers } from "~/test/redis-server";

const { limit } = rateLimits.orgCreate;
const subject = () => `test-${randomUUID()}`;

async function refusal(call: Promise<void>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the creation rate limiter", () => {
  it("allows `limit` creations per subject in a window, then refuses with 429, Retry-After and the details", async () => {
    const user = subject();
    for (let i = 0; i < limit; i++) await enforceRateLimit("orgCreate", user);
    const error = await refusal(enforceRateLimit("orgCreate", user));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.httpStatus).toBe(429);
    const retryAfter = Number(error.headers["Retry-After"]);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(error.details).toEqual({ reason: "orgCreate_rate_limited", limit, retryAfterSeconds: retryAfter });
    expect(error.message).toContain(`at most ${limit} organizations per hour`);
    // Another user, and another limit of the same user, have their own counts.
    await enforceRateLimit("orgCreate", subject());
    await enforceRateLimit("tokenCreate", user);
  });

  it("lets the subject create again once the window has passed", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const store = memoryStore(() => now);
    const user = subject();
    for (let i = 0; i < limit; i++) await enforceRateLimit("orgCreate", user, store);
    now += 1_800_000; // half the window: still refused, and told how long is left
    expect((await refusal(enforceRateLimit("orgCreate", user, store))).details.retryAfterSeconds).toBe(1800);
    now += 1_800_000;
    await enforceRateLimit("orgCreate", user, store);
  });

  describe("while Redis does not answer", () => {
    const redisServer = startRedisServer();
    afterAll(async () => (await redisServer).close());

    it("lets creations through and logs it, then counts again when Redis is back", async () => {
      const server = await redisServer;
      const store = createStore({ redisUrl: server.url });
      const user = subject();
      for (let i = 0; i < limit; i++) await enforceRateLimit("orgCreate", user, store);
      expect((await refusal(enforceRateLimit("orgCreate", user, store))).code).toBe("RATE_LIMITED");

      const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
      try {
        server.pause();
        await enforceRateLimit("orgCreate", user, store); // fails open after the store's timeout
        await enforceRateLimit("orgCreate", user, store); // and at once while the circuit is open
        expect(warn.mock.calls.map(([line]) => JSON.parse(String(line)) as { message: string; limit: string })).toEqual([
          expect.objectContaining({ message: expect.stringContaining("rate limit"), limit: "orgCreate" }),
          expect.objectContaining({ message: expect.stringContaining("rate limit"), limit: "orgCreate" }),
        ]);
      } finally {
        server.resume();
        warn.mockRestore();
      }
      await untilStoreAnswers(store);
      expect((await refusal(enforceRateLimit("orgCreate", user, store))).code).toBe("RATE_LIMITED");
    });
  });
});
