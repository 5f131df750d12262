import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { AppError } from "~/server/errors";
import { sessionConfig } from "~/server/auth/session-config";
import { verifyCredentials } from "~/server/auth/verify-credentials";

class RateLimitedSignin extends CredentialsSignin {
  code = "rate_limited";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...sessionConfig,
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials) {
        if (typeof credentials.email !== "string" || typeof credentials.password !== "string") return null;
        try {
          return await verifyCredentials(credentials.email, credentials.password);
        } catch (error) {
          if (error instanceof AppError && error.code === "RATE_LIMITED") throw new RateLimitedSignin();
          if (error instanceof AppError && error.code === "UNAUTHORIZED") return null;
          throw error;
        }
      },
    }),
  ],
});
