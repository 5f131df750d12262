import type { DefaultSession, NextAuthConfig } from "next-auth";
import { env } from "~/env";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

/**
 * How a session is read: the secret, the JWT strategy and what the token carries. The proxy reads
 * sessions with this alone (no providers, so no database or password code in it); config.ts adds
 * the credentials provider that makes them.
 *
 * Credentials sign-in needs JWT sessions (Auth.js stores no session rows for it). The JWT holds
 * only the user id; memberships and roles are read per request, so removing a member takes
 * effect at once.
 */
export const sessionConfig = {
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;
