import { z } from "zod";
import NextAuth, { CredentialsSignin, type Session, type User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import Credentials from "next-auth/providers/credentials";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";
import { authLogger } from "~/server/auth/auth-logger";
import { sessionConfig } from "~/server/auth/session-config";
import { throttledCode, UNAVAILABLE_CODE } from "~/server/auth/sign-in-error";
import { endSession, isSessionLive, offerHandover, startSession, takeHandover } from "~/server/auth/sessions";
import { verifyCredentials } from "~/server/auth/verify-credentials";
import { emailInput, signInPasswordInput } from "~/server/validation";

const signInInput = z.object({ email: emailInput, password: signInPasswordInput });

/** A refused sign-in whose code (in the redirect URL) tells the login form why: sign-in-error.ts. */
class RefusedSignin extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

/**
 * The JWT callback: at sign-in the token names the session row authorize started; every later
 * read keeps the token only while that row is live (sessions.ts), else null, which Auth.js answers
 * as signed out (and clears the cookie where it can set cookies). An update moves the token to
 * another row only with a hand-over this process offered (moveSessionCookie).
 */
async function sessionToken({ token, user, trigger, session }: { token: JWT; user?: User; trigger?: string; session?: unknown }): Promise<JWT | null> {
  if (user?.id) return user.sid ? { ...token, sub: user.id, sid: user.sid } : null;
  const { sub } = token;
  let { sid } = token;
  if (!sub || !sid) return null;
  if (trigger === "update") sid = takeHandover((session as { handover?: unknown } | undefined)?.handover, sub, sid) ?? sid;
  return (await isSessionLive(sid, sub)) ? { ...token, sid } : null;
}

export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth({
  ...sessionConfig,
  callbacks: {
    ...sessionConfig.callbacks,
    jwt: sessionToken,
  },
  events: {
    // POST /api/auth/signout. Auth.js logs and swallows an error thrown here and clears the cookie
    // anyway, so the app's own sign-out (dashboard/actions.ts) ends the row first and can fail.
    async signOut(message) {
      if ("token" in message && message.token?.sid) await endSession(message.token.sid);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        // The same bounds as POST /api/auth/token: what cannot be an account's email or password
        // is a wrong sign-in, never a database query.
        const parsed = signInInput.safeParse(credentials);
        if (!parsed.success) return null;
        try {
          const { sessionEpoch, ...user } = await verifyCredentials(parsed.data.email, parsed.data.password, request.headers);
          // The session starts here, not in the JWT callback, so that a reset committed since the
          // check (startSession refuses: UNAUTHORIZED) is a wrong sign-in like any other.
          return { ...user, sid: await startSession(user.id, sessionEpoch, request.headers.get("user-agent")) };
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
  logger: authLogger,
});

/**
 * Points the asking browser's cookie from session `from` to session `to` (after a password change
 * ended `from`), through Auth.js's own session update, so the cookie is written as Auth.js writes
 * it. Needs a request that may set cookies (a route handler or a server action). Returns whether
 * the browser is signed in to `to` now.
 */
export async function moveSessionCookie(userId: string, from: string, to: string) {
  const handover = offerHandover(userId, from, to);
  // Its type lists Session's fields only; the `handover` reaches sessionToken as `session`.
  const session = await unstable_update({ handover } as Partial<Session>);
  return session?.sessionId === to;
}
