import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { sessionConfig } from "~/server/auth/session-config";

const { auth } = NextAuth(sessionConfig);

/**
 * A signed-out request for a dashboard page goes to the login page with the page it asked for
 * (path and query, never a host) as `callbackUrl`, so signing in lands there. The pages still
 * check the session themselves: this only keeps the destination.
 */
export const proxy = auth((request) => {
  if (request.auth?.user) return NextResponse.next();
  const login = new URL("/login", request.nextUrl);
  login.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(login);
});

export const config = { matcher: ["/dashboard/:path*"] };
