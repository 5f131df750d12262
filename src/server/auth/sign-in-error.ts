/**
 * What a refused sign-in tells the person signing in. Auth.js carries only a short `code` to the
 * login form (the redirect URL's `code` parameter, readable by anyone), so the code says why and,
 * for a throttled sign-in, how many minutes to wait; never which of email or password was wrong.
 * The server writes these codes and messages and the login form reads them: both use this module.
 */

const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** A throttled sign-in's code: `rate_limited_15m`, the wait rounded up to whole minutes. */
export const throttledCode = (retryAfterSeconds: number) => `rate_limited_${minutesOf(retryAfterSeconds)}m`;

export function throttledMessage(retryAfterSeconds: number) {
  const minutes = minutesOf(retryAfterSeconds);
  return `Too many sign-in attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/** The throttle's store does not answer, so no password is checked (sign-in fails closed). */
export const UNAVAILABLE_CODE = "unavailable";

export function signInErrorMessage(code: string | undefined): string {
  const throttled = /^rate_limited_(\d{1,5})m$/.exec(code ?? "");
  if (throttled) return throttledMessage(Number(throttled[1]) * 60);
  if (code === UNAVAILABLE_CODE) return "Sign-in is unavailable for a moment. Please try again shortly.";
  return "Email or password is incorrect.";
}
