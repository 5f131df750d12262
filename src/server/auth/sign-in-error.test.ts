import { describe, expect, it } from "vitest";
import { signInErrorMessage, throttledCode, throttledMessage, UNAVAILABLE_CODE } from "~/server/auth/sign-in-error";

describe("what a refused sign-in tells the person", () => {
  it("carries a throttled sign-in's wait in whole minutes, rounded up", () => {
    expect(throttledCode(900)).toBe("rate_limited_15m");
    expect(throttledCode(899)).toBe("rate_limited_15m");
    expect(throttledCode(61)).toBe("rate_limited_2m");
    expect(throttledCode(1)).toBe("rate_limited_1m");
    expect(throttledMessage(60)).toBe("Too many sign-in attempts. Try again in 1 minute.");
  });

  it("reads the code back on the login form", () => {
    expect(signInErrorMessage(throttledCode(900))).toBe("Too many sign-in attempts. Try again in 15 minutes.");
    expect(signInErrorMessage(throttledCode(86_400))).toBe("Too many sign-in attempts. Try again in 1440 minutes.");
    expect(signInErrorMessage(UNAVAILABLE_CODE)).toBe("Sign-in is unavailable for a moment. Please try again shortly.");
  });

  it("says only 'incorrect' for a wrong password or any code it does not know", () => {
    for (const code of ["credentials", undefined, "rate_limited_", "rate_limited_99999999m", "<b>x</b>"]) {
      expect(signInErrorMessage(code)).toBe("Email or password is incorrect.");
    }
  });
});
