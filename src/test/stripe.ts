/**
 * Integration-test access to the run's Stripe stand-in, only through the official SDK, plus a
 * webhook deliverer that signs events exactly as Stripe does and calls the app's route handler.
 */
import { randomInt } from "node:crypto";
import Stripe from "stripe";
import { inject } from "vitest";
import { parseStripeEvent } from "~/server/billing/stripe-event";
import { db } from "~/server/clients/db";
import { stripeConnection } from "~/server/clients/stripe-connection";
import { stripeWebhookRoute } from "~/server/rest/billing";

const config = inject("stripe");
export const sdk = new Stripe(config.secretKey, { ...stripeConnection(config.apiBase), maxNetworkRetries: 0 });
export const prices = config.prices;

/** The Stripe-Signature header Stripe would send with `body`, signed with the endpoint secret (or another one). */
export const signatureFor = (body: string, secret = config.webhookSecret) =>
  sdk.webhooks.generateTestHeaderString({ payload: body, secret });

interface DeliverOptions {
  /** Wait for the processing the delivery scheduled (default true). */
  settle?: boolean;
  /** Run the processing the route schedules after its response at all (default true). */
  runAfter?: boolean;
}

/**
 * POSTs a raw body (text, or a stream read only as the route pulls it) to the webhook route. The
 * work the route schedules after its response (Next's `after()` in the app) starts right away
 * here; `settle` waits for it and then until the event's customer has nothing RECEIVED or
 * PROCESSING left, as a test that reads rows after a delivery needs.
 */
export async function postToWebhook(body: string | ReadableStream<Uint8Array>, headers: Record<string, string>, opts: DeliverOptions = {}) {
  const tasks: Promise<unknown>[] = [];
  // runAfter: false is a server that died right after answering: the event waits for the drain.
  const route = stripeWebhookRoute((task) => void (opts.runAfter !== false && tasks.push(task())));
  // Node needs `duplex` for a streamed body; the DOM typings do not know it yet.
  const init: RequestInit & { duplex: "half" } = { method: "POST", headers, body, duplex: "half" };
  const res = await route(new Request("http://localhost/api/billing/webhooks/stripe", init));
  const answer = { status: res.status, body: (await res.json()) as Record<string, unknown> };
  if (opts.settle !== false && opts.runAfter !== false) {
    await Promise.all(tasks);
    if (typeof body === "string" && res.status === 200) await settleCustomer(parseStripeEvent(body).customerId);
  }
  return { ...answer, tasks };
}

/** Waits until the customer has no event RECEIVED or PROCESSING (a FAILED one waits for its backoff, not for this). */
export async function settleCustomer(customerId: string | null, timeoutMs = 15_000) {
  if (!customerId) return;
  const deadline = Date.now() + timeoutMs;
  while ((await db.billingEvent.count({ where: { stripeCustomerId: customerId, status: { in: ["RECEIVED", "PROCESSING"] } } })) > 0) {
    if (Date.now() > deadline) throw new Error(`events of ${customerId} still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Signs `payload` with the endpoint secret (or another one) and POSTs it to the webhook route. */
export async function deliver(payload: string | object, opts: { secret?: string; signature?: string } & DeliverOptions = {}) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return postToWebhook(body, { "stripe-signature": opts.signature ?? signatureFor(body, opts.secret) }, opts);
}

/** Every stored event about `customerId`, oldest first. */
export async function eventsFor(customerId: string) {
  const all = await sdk.events.list({ limit: 100 }).autoPagingToArray({ limit: 5_000 });
  return all
    .filter((e) => {
      const o = e.data.object as { id?: string; customer?: string | null; object?: string };
      return o.customer === customerId || (o.object === "customer" && o.id === customerId);
    })
    .reverse();
}

/** Delivers, in order, every event about the customer not delivered before by this helper. */
const delivered = new Set<string>();
export async function deliverNew(customerId: string) {
  const results = [];
  for (const event of await eventsFor(customerId)) {
    if (delivered.has(event.id)) continue;
    delivered.add(event.id);
    results.push({ type: event.type, ...(await deliver(event)) });
  }
  return results;
}

/**
 * A Visa number that pays like 4242 4242 4242 4242 and ends in 4242, but is a card of its own:
 * its fingerprint is new, so a trial paid with it is not refused as a reused card's. Random
 * digits, then the one digit (not doubled by Luhn, 5th from the right) that makes it valid.
 */
export function freshCardNumber() {
  const head = "4" + Array.from({ length: 10 }, () => randomInt(10)).join("");
  const luhn = (digits: string) =>
    [...digits].reverse().reduce((sum, d, i) => sum + (i % 2 === 1 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][Number(d)]! : Number(d)), 0);
  const check = (10 - (luhn(head + "0" + "4242") % 10)) % 10;
  return `${head}${check}4242`;
}

/**
 * Completes a hosted Checkout page as a browser's form submit would (the Playwright specs do it
 * in Chromium); returns where the page redirects.
 */
export async function payOnHostedPage(url: string, card = freshCardNumber()) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ cardNumber: card, cardExpiry: "12 / 34", cardCvc: "123", name: "Test Payer" }),
    redirect: "manual",
  });
  if (res.status !== 303) throw new Error(`Checkout page answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.headers.get("location")!;
}

/** Moves the customer's own test clock (the stand-in gives each customer one) forward by `seconds`. */
export async function advanceCustomerClock(customerId: string, seconds: number) {
  const customer = (await sdk.customers.retrieve(customerId)) as Stripe.Customer;
  const clockId = typeof customer.test_clock === "string" ? customer.test_clock : customer.test_clock!.id;
  const clock = await sdk.testHelpers.testClocks.retrieve(clockId);
  return sdk.testHelpers.testClocks.advance(clockId, { frozen_time: clock.frozen_time + seconds });
}

/** Makes the stand-in fail the next `count` API calls whose path and query start with `path` (500 api_error). */
export async function injectStripeFault(fault: { method?: string; path: string; count?: number }) {
  const res = await fetch(new URL("/__stand-in/faults", config.apiBase), {
    method: "POST",
    headers: { authorization: `Bearer ${config.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (!res.ok) throw new Error(`fault injection answered ${res.status}`);
}
