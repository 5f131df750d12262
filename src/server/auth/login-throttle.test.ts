import { afterEach, describe, expect, it, vi } from "vitest";
import { loginThrottle, MAX_LOCK_SECONDS, STRIKE_MEMORY_SECONDS, type LoginThrottleLimits } from "~/server/auth/login-throttle";
import { memoryStore } from "~/server/clients/key-value-store";
import { AppError } from "~/server/errors";

// The in-process twin of the throttle's scripts, with a clock: lock-outs end by time here, where
// the integration tests (real Redis, no clock to move) end them by removing the keys.
const LIMITS: LoginThrottleLimits = { emailClient: 5, client: 20, email: 20, windowSeconds: 900 };
afterEach(() => vi.restoreAllMocks());

function setup() {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const clock = { now: 1_000_000_000 };
  const throttle = loginThrottle(memoryStore(() => clock.now), LIMITS);
  const wrong = async () => null;
  const right = async () => ({ id: "user" });
  const attempt = (check: () => Promise<{ id: string } | null>, client = "203.0.113.7") =>
    throttle.attempt("owner@example.test", client, check).then(
      (result) => (result ? "signed in" : "wrong"),
      (error: unknown) => (error instanceof AppError ? (error.details.retryAfterSeconds as number) : error),
    );
  /** Five wrong guesses, then the wait the sixth is told. */
  const lockOut = async (client?: string) => {
    for (let i = 0; i < LIMITS.emailClient; i++) expect(await attempt(wrong, client)).toBe("wrong");
    return attempt(right, client);
  };
  const pass = (seconds: number) => (clock.now += seconds * 1000);
  return { attempt, lockOut, pass, right };
}

describe("the sign-in throttle's lock-outs over time", () => {
  it("ends a lock-out when its time is up, and doubles the next one of the same email and client up to a day", async () => {
    const { attempt, lockOut, pass, right } = setup();
    const waits = [];
    for (let i = 0; i < 9; i++) {
      const wait = await lockOut();
      waits.push(wait);
      pass(Number(wait) - 1);
      expect(await attempt(right)).toBe(1); // one second left
      pass(1);
    }
    expect(waits).toEqual([900, 1800, 3600, 7200, 14_400, 28_800, 57_600, MAX_LOCK_SECONDS, MAX_LOCK_SECONDS]);
    expect(await attempt(right)).toBe("signed in");
  });

  it("forgets earlier lock-outs after STRIKE_MEMORY_SECONDS", async () => {
    const { lockOut, pass } = setup();
    expect(await lockOut()).toBe(900);
    pass(900);
    expect(await lockOut()).toBe(1800);
    pass(STRIKE_MEMORY_SECONDS);
    expect(await lockOut()).toBe(900);
  });

  it("lets the counting window lapse: five failures spread over more than a window lock nothing", async () => {
    const { attempt, pass, right } = setup();
    for (let i = 0; i < 4; i++) expect(await attempt(async () => null)).toBe("wrong");
    pass(LIMITS.windowSeconds);
    for (let i = 0; i < 4; i++) expect(await attempt(async () => null)).toBe("wrong");
    expect(await attempt(right)).toBe("signed in");
  });
});
