import type { DefaultSession, NextAuthConfig } from "next-auth";
import { env } from "~/env";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
    /** The AuthSession row this cookie names (sessions.ts): "this device" in the sessions list. */
    sessionId: string;
  }
  interface User {
    /** At sign-in only: the AuthSession row authorize started (config.ts). */
    sid?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** The id of the cookie's AuthSession row. */
    sid?: string;
  }
}

/** How long a session lives without a request: the cookie's maxAge and a session row's (sessions.ts); both slide on use. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * How a session is read: the secret, the JWT strategy and what the token carries. The proxy reads
 * sessions with this alone (no providers, so no database or password code in it); config.ts adds
 * the credentials provider that makes them and the check of the session's row.
 *
 * Credentials sign-in needs JWT sessions (Auth.js stores no session rows for it), so the JWT names
 * a row of our own (AuthSession, see sessions.ts) that config.ts reads on every request. The JWT
 * holds only the user id and that row id; memberships and roles are read per request, so removing
 * a member takes effect at once.
 */
export const sessionConfig = {
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [],
  callbacks: {
    /**
     * Without the database (the proxy) only a cookie that names no row is refused: one from
     * before session rows could not be revoked, so it counts as signed out. Returning null makes
     * Auth.js treat the request as signed out and clear the cookie.
     */
    jwt({ token }) {
      return token.sub && token.sid ? token : null;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (token.sid) session.sessionId = token.sid;
      return session;
    },
  },
} satisfies NextAuthConfig;
