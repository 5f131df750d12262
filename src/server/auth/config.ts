import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";
import { sessionConfig } from "~/server/auth/session-config";
import { throttledCode, UNAVAILABLE_CODE } from "~/server/auth/sign-in-error";
import { verifyCredentials } from "~/server/auth/verify-credentials";

/** A refused sign-in whose code (in the redirect URL) tells the login form why: sign-in-error.ts. */
class RefusedSignin extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...sessionConfig,
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        if (typeof credentials.email !== "string" || typeof credentials.password !== "string") return null;
        try {
          return await verifyCredentials(credentials.email, credentials.password, request.headers);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          if (error.code === "UNAUTHORIZED") return null;
          if (error.code === "RATE_LIMITED") throw new RefusedSignin(throttledCode(Number(error.details.retryAfterSeconds)));
          if (error.code === "UNAVAILABLE") {
            logger.error("sign-in refused: the throttle's store is not answering", { error });
            throw new RefusedSignin(UNAVAILABLE_CODE);
          }
          throw error;
        }
      },
    }),
  ],
  logger: {
    // A refused sign-in (wrong password, throttled) is an expected answer, not an error: Auth.js
    // would print each with a stack trace, 40 lines for a burst of 40 guesses. The throttle logs
    // each lock-out once instead.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      logger.error("auth error", { error });
    },
  },
});
