import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { runBillingSyncToEnd } from "~/server/jobs/billing-sync";
import { JOB_SCHEDULES, registerSchedules } from "~/server/jobs/schedules";
import { billingSyncJobRoute } from "~/server/rest/jobs";
import { makeUser } from "~/test/factories";
import { injectStripeFault, prices, sdk } from "~/test/stripe";

/** An org with an active Pro subscription, synced; then changed in Stripe with no webhook. */
async function driftedOrg() {
  const { organization } = await makeUser("Drifted");
  const customer = await ensureStripeCustomer(organization.id);
  const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
  await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
  await syncStripeCustomer(customer);
  await sdk.subscriptions.update(sub.id, { cancel_at_period_end: true }); // a webhook that never arrived
  return { orgId: organization.id, customer, subId: sub.id };
}
const cancelFlag = async (subId: string) =>
  (await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subId }, select: { cancelAtPeriodEnd: true } })).cancelAtPeriodEnd;

describe("the daily billing sync", () => {
  it("brings every org back to Stripe's state; one org's failure is recorded and the rest go on", async () => {
    const good = await driftedOrg();
    const broken = await driftedOrg();
    await injectStripeFault({ method: "GET", path: `/v1/customers/${broken.customer}`, count: 1 });
    const result = await runBillingSyncToEnd(7);
    expect(result.batches).toBeGreaterThanOrEqual(1);
    expect(result.failed.map((f) => f.organizationId)).toContain(broken.orgId);
    expect(result.failed.map((f) => f.organizationId)).not.toContain(good.orgId);
    expect(await cancelFlag(good.subId)).toBe(true);
    expect(await cancelFlag(broken.subId)).toBe(false);
  });

  describe("POST /api/jobs/billing-sync, called by QStash", () => {
    let server: Server;
    let url: string;
    const qstash = inject("qstash");
    const client = new Client({ token: qstash.token, baseUrl: qstash.url });

    beforeAll(async () => {
      // The route handler behind a real HTTP port, as Next.js serves it, so QStash can deliver to it.
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", async () => {
          const response = await billingSyncJobRoute(
            new Request(url, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }),
          );
          res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/jobs/billing-sync`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("runs the sync for a delivery QStash signed", async () => {
      const org = await driftedOrg();
      await client.publishJSON({ url, body: { batchSize: 500 }, retries: 0 });
      for (let i = 0; i < 100 && !(await cancelFlag(org.subId)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await cancelFlag(org.subId)).toBe(true);
    });

    it("answers 401 to anything QStash did not sign, and runs nothing", async () => {
      const org = await driftedOrg();
      const unsigned = await fetch(url, { method: "POST", body: "{}" });
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ code: "UNAUTHORIZED", reason: "invalid_signature" });
      const forged = await fetch(url, { method: "POST", headers: { "upstash-signature": "eyJhbGciOiJIUzI1NiJ9.e30.x" }, body: "{}" });
      expect(forged.status).toBe(401);
      expect(await cancelFlag(org.subId)).toBe(false);
    });

    it("registers the daily schedule at 02:00 UTC, idempotently", async () => {
      await registerSchedules(client, "https://billing.example.test");
      await registerSchedules(client, "https://billing.example.test");
      const ids = (await client.schedules.list()).map((s) => s.scheduleId).filter((id) => id === JOB_SCHEDULES[0].scheduleId);
      expect(ids).toHaveLength(1);
      expect(await client.schedules.get(JOB_SCHEDULES[0].scheduleId)).toMatchObject({
        cron: "0 2 * * *",
        destination: "https://billing.example.test/api/jobs/billing-sync",
      });
    });
  });
});
