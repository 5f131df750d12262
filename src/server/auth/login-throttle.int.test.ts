import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loginThrottle, throttleKeys, type LoginThrottleLimits } from "~/server/auth/login-throttle";
import { createStore } from "~/server/clients/redis";
import { AppError } from "~/server/errors";
import { UNKNOWN_CLIENT } from "~/server/http/client-address";
import { startRedisServer } from "~/test/redis-server";
import { storesUnderTest } from "~/test/stores";

const stores = storesUnderTest();
afterEach(() => vi.restoreAllMocks());

const LIMITS: LoginThrottleLimits = { emailClient: 5, client: 20, email: 20, windowSeconds: 900 };
const RIGHT = "the right password";
const newEmail = () => `throttle-${randomUUID()}@example.test`;
/** A client address of this test's own: the shared Redis outlives the run. */
// A /64 of its own each time: IPv6 clients are counted by their /64.
const newClient = () => `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`;

/** A password check that counts its runs; a held check waits for `release` (bcrypt's time). */
function passwordCheck({ held = false } = {}) {
  let release = () => {};
  const gate = held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  const state = { runs: 0, wrong: 0 };
  const check = (password: string) => async () => {
    state.runs++;
    await gate;
    if (password === RIGHT) return { id: "user" };
    state.wrong++;
    return null;
  };
  return { state, check, release: () => release() };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof AppError ? { code: error.code, headers: error.headers, ...error.details } : { thrown: error }),
  );

describe.each(Object.keys(stores))("the sign-in throttle on %s", (name) => {
  const store = () => stores[name]!();

  it("an unknown client (no address to tell) is never known and never one lock for everyone: only the per-account limit counts", async () => {
    const throttle = loginThrottle(store(), LIMITS);
    const { check } = passwordCheck();
    const email = newEmail();
    expect(await throttle.attempt(email, UNKNOWN_CLIENT, check(RIGHT))).toEqual({ id: "user" });
    expect(await store().get(throttleKeys(email, UNKNOWN_CLIENT).known)).toBeNull();
    // 25 failures over 25 other accounts: no client-wide lock for every visitor without an address.
    for (let i = 0; i < 25; i++) expect(await throttle.attempt(newEmail(), UNKNOWN_CLIENT, check("wrong"))).toBeNull();
    // One account: LIMITS.email failures, not LIMITS.emailClient, before it is refused.
    for (let i = 0; i < LIMITS.email; i++) expect(await throttle.attempt(email, UNKNOWN_CLIENT, check("wrong"))).toBeNull();
    expect(await refusal(throttle.attempt(email, UNKNOWN_CLIENT, check(RIGHT)))).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("checks at most 5 of 40 concurrent guesses; the right password, sent while they run, is refused", async () => {
    const throttle = loginThrottle(store(), LIMITS);
    const [email, client] = [newEmail(), newClient()];
    const { state, check, release } = passwordCheck({ held: true });
    let refused = 0;
    const burst = Array.from({ length: 39 }, (_, i) =>
      refusal(throttle.attempt(email, client, check(`guess ${i}`))).then((answer) => {
        if (answer) refused++;
        return answer;
      }),
    );
    // Every guess has been either reserved (its check is running) or refused.
    await vi.waitFor(() => expect(state.runs + refused).toBe(39));
    expect(state.runs).toBe(LIMITS.emailClient);

    const right = await refusal(throttle.attempt(email, client, check(RIGHT)));
    expect(right).toMatchObject({ code: "RATE_LIMITED", reason: "too_many_attempts", scope: "email_client", retryAfterSeconds: 900 });
    expect(right).toMatchObject({ headers: { "Retry-After": "900" } });

    release();
    const answers = await Promise.all(burst);
    expect(answers.filter((answer) => answer === null)).toHaveLength(LIMITS.emailClient);
    for (const answer of answers.filter(Boolean)) expect(answer).toMatchObject({ code: "RATE_LIMITED", scope: "email_client" });
    expect(state).toMatchObject({ runs: LIMITS.emailClient, wrong: LIMITS.emailClient });
    expect(await refusal(throttle.attempt(email, client, check(RIGHT)))).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("gives a success's reservation back: honest sign-ins spend no budget", async () => {
    const throttle = loginThrottle(store(), LIMITS);
    const [email, client] = [newEmail(), newClient()];
    const { check } = passwordCheck();
    for (let i = 0; i < 10; i++) expect(await throttle.attempt(email, client, check(RIGHT))).toEqual({ id: "user" });
    for (let i = 0; i < 4; i++) expect(await throttle.attempt(email, client, check("typo"))).toBeNull();
    expect(await throttle.attempt(email, client, check(RIGHT))).toEqual({ id: "user" });
    expect(await throttle.attempt(email, client, check("typo"))).toBeNull(); // the 5th failure is still allowed
    expect(await refusal(throttle.attempt(email, client, check(RIGHT)))).toMatchObject({ code: "RATE_LIMITED", scope: "email_client" });
  });

  it("password spraying: one client is refused after 20 failures over 28 emails", async () => {
    const throttle = loginThrottle(store(), LIMITS);
    const client = newClient();
    const { state, check } = passwordCheck();
    const answers = [];
    for (let i = 0; i < 28; i++) answers.push(await refusal(throttle.attempt(newEmail(), client, check("Summer2026!"))));
    expect(answers.slice(0, 20)).toEqual(Array(20).fill(null));
    for (const answer of answers.slice(20)) expect(answer).toMatchObject({ code: "RATE_LIMITED", scope: "client" });
    expect(state.runs).toBe(20);
    // Another client is not affected.
    expect(await throttle.attempt(newEmail(), newClient(), check("Summer2026!"))).toBeNull();
  });

  it("an account attacked from many addresses stays open to a known client, which is still bound by its own limit", async () => {
    const throttle = loginThrottle(store(), LIMITS);
    const [email, home] = [newEmail(), newClient()];
    const { check } = passwordCheck();
    expect(await throttle.attempt(email, home, check(RIGHT))).toEqual({ id: "user" });
    for (let i = 0; i < 20; i++) expect(await throttle.attempt(email, newClient(), check("guess"))).toBeNull();
    expect(await refusal(throttle.attempt(email, newClient(), check(RIGHT)))).toMatchObject({ code: "RATE_LIMITED", scope: "email" });

    expect(await throttle.attempt(email, home, check(RIGHT))).toEqual({ id: "user" });
    for (let i = 0; i < 5; i++) expect(await throttle.attempt(email, home, check("typo"))).toBeNull();
    expect(await refusal(throttle.attempt(email, home, check(RIGHT)))).toMatchObject({ code: "RATE_LIMITED", scope: "email_client" });
  });

  it("a known client is not held by its address's spraying limit (an office behind one address)", async () => {
    const throttle = loginThrottle(store(), LIMITS);
    const [email, office] = [newEmail(), newClient()];
    const { check } = passwordCheck();
    expect(await throttle.attempt(email, office, check(RIGHT))).toEqual({ id: "user" });
    for (let i = 0; i < 20; i++) await throttle.attempt(newEmail(), office, check("spray"));
    expect(await refusal(throttle.attempt(newEmail(), office, check("spray")))).toMatchObject({ scope: "client" });
    expect(await throttle.attempt(email, office, check(RIGHT))).toEqual({ id: "user" });
  });

  it("each lock-out of the same email and client lasts twice as long as the one before; other clients start afresh", async () => {
    const kv = store();
    const throttle = loginThrottle(kv, LIMITS);
    const [email, client] = [newEmail(), newClient()];
    const keys = throttleKeys(email, client);
    const { check } = passwordCheck();
    const lockOut = async (from: string) => {
      for (let i = 0; i < 5; i++) await throttle.attempt(email, from, check("guess"));
      return refusal(throttle.attempt(email, from, check(RIGHT)));
    };
    for (const multiple of [1, 2, 4]) {
      const answer = await lockOut(client);
      expect(answer).toMatchObject({ scope: "email_client", retryAfterSeconds: 900 * multiple });
      expect(answer).toMatchObject({ headers: { "Retry-After": String(900 * multiple) } });
      // The lock-out ends (its keys expire); the strike is remembered.
      await kv.del(keys.counters[0]!);
      await kv.del(keys.locks[0]!);
    }
    expect(await lockOut(newClient())).toMatchObject({ scope: "email_client", retryAfterSeconds: 900 });
  });

  it("logs a lock-out once, not each refused guess, and never the email or a password", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const throttle = loginThrottle(store(), LIMITS);
    const [email, client] = [newEmail(), newClient()];
    const { check } = passwordCheck();
    await Promise.allSettled(Array.from({ length: 40 }, (_, i) => throttle.attempt(email, client, check(`secret-guess-${i}`))));
    const lines = warn.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("sign-in throttled"));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ scope: "email_client", client, emailHash: throttleKeys(email, client).emailHash, retryAfterSeconds: 900 });
    expect(lines[0]).not.toContain(email);
    expect(lines[0]).not.toContain("secret-guess");
  });
});

describe("the sign-in throttle when Redis does not answer", () => {
  it("refuses sign-in with 503 and checks no password, then works again when Redis is back", async () => {
    const redis = await startRedisServer();
    try {
      const throttle = loginThrottle(createStore({ redisUrl: redis.url }), LIMITS);
      const [email, client] = [newEmail(), newClient()];
      const { state, check } = passwordCheck();
      expect(await throttle.attempt(email, client, check(RIGHT))).toEqual({ id: "user" });

      redis.pause();
      const unavailable = { code: "UNAVAILABLE", reason: "throttle_unavailable", headers: { "Retry-After": "5" } };
      expect(await refusal(throttle.attempt(email, client, check(RIGHT)))).toMatchObject(unavailable); // a timeout
      expect(await refusal(throttle.attempt(email, client, check(RIGHT)))).toMatchObject(unavailable); // the open circuit
      expect(state.runs).toBe(1);

      redis.resume();
      await vi.waitFor(async () => expect(await throttle.attempt(email, client, check(RIGHT))).toEqual({ id: "user" }), { timeout: 20_000, interval: 500 });
    } finally {
      redis.close();
    }
  });
});
