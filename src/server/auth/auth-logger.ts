import { CredentialsSignin } from "next-auth";
import { logger } from "~/server/logger";

/**
 * What Auth.js logs, through the app's logger: one JSON line, never a stack trace (Auth.js's own
 * logger prints 25 lines for a wrong password). A refused sign-in (wrong password, throttled) is
 * an expected answer, not an error, so it is not logged at all: the throttle logs each lock-out
 * once instead. The check is by type name too, as a second copy of @auth/core in a bundle would
 * fail `instanceof`.
 */
export const authLogger = {
  error(error: Error) {
    if (error instanceof CredentialsSignin || (error as { type?: unknown }).type === "CredentialsSignin") return;
    logger.error("auth error", { error });
  },
  warn(code: string) {
    logger.warn("auth warning", { code });
  },
};
