/**
 * The smoke test of a running server, over plain HTTP as a browser and Stripe would call it:
 * readiness, registration and sign-in, the billing page, and a signed Stripe webhook (plus a
 * forged one). Each step throws with what it got; it needs nothing but the server's URL and the
 * webhook secret it was started with.
 */
import { randomInt, randomUUID } from "node:crypto";
import Stripe from "stripe";
import { CookieJar } from "./cookie-jar";

type Step = { name: string; run: () => Promise<string> };

async function expectStatus(res: Response, status: number, what: string) {
  if (res.status === status) return;
  throw new Error(`${what}: expected ${status}, got ${res.status}: ${(await res.text()).slice(0, 500)}`);
}

export function smokeSteps(baseUrl: string, webhookSecret: string): Step[] {
  const url = (path: string) => new URL(path, baseUrl).toString();
  const jar = new CookieJar();
  // As a reverse proxy would tell it (TRUSTED_PROXY_COUNT=1): a client address of this run's own,
  // so repeated runs against one Redis never meet the per-client registration limit.
  const client = `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = { ...(init.headers as Record<string, string>), cookie: jar.header(), "x-forwarded-for": client };
    const res = await fetch(url(path), { redirect: "manual", ...init, headers });
    jar.take(res.headers.getSetCookie());
    return res;
  };
  const user = { name: "Smoke Test", email: `smoke-${randomUUID()}@example.test`, password: "smoke-password-123" };

  const stripe = new Stripe("sk_test_smoke_signing_only");
  const signedWebhook = (payload: string, secret = webhookSecret) =>
    send("/api/billing/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret }) },
      body: payload,
    });
  const event = JSON.stringify({
    id: `evt_smoke_${randomUUID().replaceAll("-", "")}`,
    object: "event",
    type: "customer.updated",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    api_version: "2026-10-28.endive",
    data: { object: { id: `cus_smoke${randomUUID().replaceAll("-", "")}`, object: "customer" } },
  });

  return [
    {
      name: "GET /health (PostgreSQL and Redis answer)",
      run: async () => {
        const res = await send("/health");
        await expectStatus(res, 200, "/health");
        return JSON.stringify(await res.json());
      },
    },
    {
      name: "POST /api/auth/register",
      run: async () => {
        const res = await send("/api/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
        await expectStatus(res, 201, "register");
        return user.email;
      },
    },
    {
      name: "sign-in (Auth.js credentials)",
      run: async () => {
        const { csrfToken } = (await (await send("/api/auth/csrf")).json()) as { csrfToken: string };
        const form = new URLSearchParams({ email: user.email, password: user.password, csrfToken, callbackUrl: "/dashboard" });
        const res = await send("/api/auth/callback/credentials", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
        const location = res.headers.get("location") ?? "";
        if (res.status !== 302 || location.includes("error")) throw new Error(`sign-in: ${res.status} → ${location}`);
        if (!jar.has("authjs.session-token") && !jar.has("__Secure-authjs.session-token")) throw new Error("sign-in: no session cookie was set");
        return `session cookie set, redirected to ${location}`;
      },
    },
    {
      name: "GET /dashboard/billing",
      run: async () => {
        const res = await send("/dashboard/billing");
        await expectStatus(res, 200, "/dashboard/billing");
        const html = await res.text();
        if (!/data-testid="plan-name"[^>]*>Free</.test(html)) throw new Error("/dashboard/billing: the page does not show the Free plan");
        return "plan Free shown";
      },
    },
    {
      name: "POST /api/billing/webhooks/stripe (signed; forged → 400)",
      run: async () => {
        const res = await signedWebhook(event);
        await expectStatus(res, 200, "signed webhook");
        const body = (await res.json()) as { status?: string };
        if (body.status !== "queued") throw new Error(`signed webhook: expected status queued, got ${JSON.stringify(body)}`);
        await expectStatus(await signedWebhook(event, "whsec_forged"), 400, "forged webhook");
        return "signed event queued, forged one refused";
      },
    },
  ];
}

/** Runs the steps in order and stops at the first failure; returns whether all passed. */
export async function runSmoke(steps: Step[], log: (line: string) => void = console.log) {
  for (const step of steps) {
    try {
      log(`ok   ${step.name}: ${await step.run()}`);
    } catch (error) {
      log(`FAIL ${step.name}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
  return true;
}
