import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { sdkFor } from "./sdk";
import { startStripeStandIn, type StripeStandIn } from "./server";

const SECRET = "sk_test_webhooks";
const verifier = new Stripe("sk_test_unused");

/** A receiver that verifies every delivery with the SDK and can fail the first N attempts. */
async function receiver(failFirst = 0) {
  const received: { event: Stripe.Event; verified: boolean }[] = [];
  let attempts = 0;
  let secret = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      attempts++;
      if (attempts <= failFirst) {
        res.writeHead(500).end();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        received.push({ event: verifier.webhooks.constructEvent(body, String(req.headers["stripe-signature"]), secret), verified: true });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    attempts: () => attempts,
    setSecret: (s: string) => void (secret = s),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let standIn: StripeStandIn | undefined;
let hook: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await standIn?.close();
  await hook?.close();
});

/** mulberry32: a tiny seeded PRNG, so the chaos of a test run is the same every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sdk = (s: StripeStandIn) => sdkFor(s.url, SECRET);

describe("Stripe stand-in webhooks", () => {
  it("signs events as Stripe does, with the envelope and previous_attributes, and retries non-2xx", async () => {
    hook = await receiver(2);
    standIn = await startStripeStandIn({ secretKey: SECRET, delivery: { retryBaseMs: 5 } });
    const stripe = sdk(standIn);
    const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ["customer.created", "customer.updated"] });
    hook.setSecret(endpoint.secret!);

    const customer = await stripe.customers.create({ email: "hook@example.test" });
    await stripe.customers.update(customer.id, { name: "Hooked" });
    await stripe.products.create({ name: "not subscribed" });
    await standIn.bus.settle();

    expect(hook.attempts()).toBe(4); // two failures, then both events
    const types = hook.received.map((r) => r.event.type).sort();
    expect(types).toEqual(["customer.created", "customer.updated"]);
    const updated = hook.received.find((r) => r.event.type === "customer.updated")!.event;
    expect(updated.data.previous_attributes).toEqual({ name: null });
    expect(updated).toMatchObject({ object: "event", api_version: expect.any(String), request: { id: expect.stringMatching(/^req_/) } });

    const listed = await stripe.events.list({ type: "customer.updated" });
    expect(listed.data.map((e) => e.id)).toEqual([updated.id]);
    expect((await stripe.events.retrieve(updated.id)).type).toBe("customer.updated");
  });

  it("signs so that the SDK rejects a tampered body or another secret", async () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event" });
    const { signPayload } = await import("./events");
    const header = signPayload(payload, "whsec_x");
    expect(() => verifier.webhooks.constructEvent(payload, header, "whsec_x")).not.toThrow();
    expect(() => verifier.webhooks.constructEvent(payload.replace("evt_1", "evt_2"), header, "whsec_x")).toThrow();
    expect(() => verifier.webhooks.constructEvent(payload, header, "whsec_other")).toThrow();
  });

  it("with chaos on, delivers duplicates and every copy verifies", async () => {
    hook = await receiver();
    standIn = await startStripeStandIn({ secretKey: SECRET, delivery: { retryBaseMs: 5, chaos: true, random: seeded(7) } });
    const stripe = sdk(standIn);
    const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ["*"] });
    hook.setSecret(endpoint.secret!);
    for (let i = 0; i < 30; i++) await stripe.customers.create({ email: `chaos${i}@example.test` });
    await standIn.bus.settle();
    const ids = hook.received.map((r) => r.event.id);
    expect(hook.received.every((r) => r.verified)).toBe(true);
    expect(new Set(ids).size).toBe(30);
    expect(ids.length).toBeGreaterThan(30); // duplicates arrived
    // The customer number of each event, in the order each event first arrived.
    const firstArrivals = [
      ...new Map(hook.received.map((r) => [r.event.id, Number(/\d+/.exec((r.event.data.object as { email: string }).email)![0])])).values(),
    ];
    expect(firstArrivals).not.toEqual([...firstArrivals].sort((a, b) => a - b)); // and out of order
  });
});
