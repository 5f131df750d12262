import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { env } from "~/env";
import { sessionConfig } from "~/server/auth/session-config";
import {
  contentSecurityPolicy,
  createNonce,
  paymentOrigins,
  servedOverHttps,
  strictTransportSecurity,
} from "~/server/http/security-headers";

const { auth } = NextAuth(sessionConfig);

const hsts = strictTransportSecurity({ appUrl: env.APP_URL, production: env.NODE_ENV === "production" });
const policyOf = (nonce: string) =>
  contentSecurityPolicy({
    nonce,
    development: env.NODE_ENV === "development",
    https: servedOverHttps(env.APP_URL),
    formTargets: paymentOrigins(env.STRIPE_API_BASE),
  });

function withPageHeaders<R extends Response>(response: R, policy: string): R {
  response.headers.set("Content-Security-Policy", policy);
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  return response;
}

/**
 * Lets a page request through with a policy of its own: Next.js reads the nonce from the
 * request's Content-Security-Policy header and puts it on every script it renders (which is why
 * the root layout renders per request), and the browser gets the same policy.
 */
function renderPage(request: NextRequest): NextResponse {
  const policy = policyOf(createNonce());
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  return withPageHeaders(NextResponse.next({ request: { headers } }), policy);
}

/**
 * A signed-out request for a dashboard page goes to the login page with the page it asked for
 * (path and query, never a host) as `callbackUrl`, so signing in lands there. The pages still
 * check the session themselves: this only keeps the destination.
 */
const dashboardGate = auth((request, _event: NextFetchEvent) => {
  if (request.auth?.user) return renderPage(request);
  const login = new URL("/login", request.nextUrl);
  login.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return withPageHeaders(NextResponse.redirect(login), policyOf(createNonce()));
});

const isDashboard = (pathname: string) => pathname === "/dashboard" || pathname.startsWith("/dashboard/");

export function proxy(request: NextRequest, event: NextFetchEvent) {
  return isDashboard(request.nextUrl.pathname) ? dashboardGate(request, event) : renderPage(request);
}

// Every page (the CSP needs a nonce per response), not API routes, build assets, the icons or the
// health check, which render no HTML; next.config.mjs gives those the static headers.
export const config = { matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico|icon.svg|health$).*)"] };
