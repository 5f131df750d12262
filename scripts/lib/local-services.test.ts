import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { Client as SendGridClient } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import { Client } from "@upstash/qstash";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { stripeConnection } from "../../src/server/clients/stripe-connection";
import { startLocalServices } from "./local-services";

const ANY_PORT = { STRIPE_STAND_IN_PORT: "0", QSTASH_STAND_IN_PORT: "0", GEMINI_STAND_IN_PORT: "0", SENDGRID_STAND_IN_PORT: "0" };
const dataDir = mkdtempSync(join(tmpdir(), "vantflow-services-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("startLocalServices", () => {
  it("starts none when every service has its key, and leaves the env as it was", async () => {
    const keys = { STRIPE_SECRET_KEY: "sk_test_real", QSTASH_TOKEN: "real-token", GEMINI_API_KEY: "real-key", SENDGRID_API_KEY: "SG.real" };
    const env = { ...keys, ...ANY_PORT };
    const services = await startLocalServices(env, "http://localhost:3000");
    expect(services.started).toEqual([]);
    expect(env).toEqual({ ...keys, ...ANY_PORT });
  });

  it("starts each missing one and points the official clients at it", async () => {
    const env: Record<string, string | undefined> = { ...ANY_PORT };
    const services = await startLocalServices(env, "http://localhost:3000");
    try {
      expect(services.started.map((s) => s.name)).toEqual(["Stripe", "QStash", "Gemini", "SendGrid"]);
      const stripe = new Stripe(env.STRIPE_SECRET_KEY!, { ...stripeConnection(env.STRIPE_API_BASE), maxNetworkRetries: 0 });
      const price = await stripe.prices.retrieve(env.STRIPE_PRICE_PRO_MONTHLY!);
      expect(price).toMatchObject({ unit_amount: 2900, lookup_key: "vantflow_pro_monthly" });

      const qstash = new Client({ token: env.QSTASH_TOKEN!, baseUrl: env.QSTASH_URL! });
      expect((await qstash.schedules.list()).map((s) => [s.scheduleId, s.cron, s.destination])).toEqual([
        ["vantflow-billing-sync-daily", "0 2 * * *", "http://localhost:3000/api/jobs/billing-sync"],
        ["vantflow-usage-flush-hourly", "0 * * * *", "http://localhost:3000/api/jobs/usage-flush"],
        ["vantflow-billing-events-minutely", "* * * * *", "http://localhost:3000/api/jobs/billing-events"],
        ["vantflow-notifications-minutely", "* * * * *", "http://localhost:3000/api/jobs/notifications"],
      ]);

      const gemini = new GoogleGenAI({ apiKey: env.GEMINI_API_KEY!, httpOptions: { baseUrl: env.GEMINI_API_BASE! } });
      const reply = await gemini.models.generateContent({ model: "gemini-2.5-flash", contents: "Plan a scrape of example.com" });
      expect(reply.usageMetadata?.totalTokenCount).toBeGreaterThan(0);

      const sendgridClient = new SendGridClient();
      sendgridClient.setApiKey(env.SENDGRID_API_KEY!);
      sendgridClient.setDefaultRequest("baseUrl", env.SENDGRID_API_BASE!);
      const mail = new MailService();
      mail.setClient(sendgridClient);
      const [sent] = await mail.send({ to: "dev@example.test", from: "billing@vantflow.example", subject: "Local <mail>", text: "hi" });
      expect(sent.statusCode).toBe(202);
      const sendgrid = services.started.find((s) => s.name === "SendGrid")!;
      expect(sendgrid.note).toContain(`mailbox at ${env.SENDGRID_API_BASE}/`);
      expect(await (await fetch(`${env.SENDGRID_API_BASE}/`)).text()).toContain("Local &lt;mail&gt;");
      // The Event Webhook route verifies what the stand-in signs: its key, as SendGrid's API reports it.
      const [, signed] = await sendgridClient.request({ method: "GET", url: "/v3/user/webhooks/event/settings/signed" });
      expect(env.SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY).toBe((signed as { public_key: string }).public_key);
    } finally {
      await services.close();
    }
  });

  it("keeps the Stripe stand-in's state in the data directory, so a restart finds its customers and the same plan prices", async () => {
    const onlyStripe = () => ({ ...ANY_PORT, QSTASH_TOKEN: "real-token", GEMINI_API_KEY: "real-key", SENDGRID_API_KEY: "SG.real" }) as Record<string, string | undefined>;
    const sdk = (env: Record<string, string | undefined>) => new Stripe(env.STRIPE_SECRET_KEY!, { ...stripeConnection(env.STRIPE_API_BASE), maxNetworkRetries: 0 });

    const before = onlyStripe();
    const first = await startLocalServices(before, "http://localhost:3000", { dataDir });
    const customer = await sdk(before).customers.create({ email: "kept@example.test" });
    await first.close();

    const after = onlyStripe();
    const second = await startLocalServices(after, "http://localhost:3000", { dataDir });
    try {
      expect(second.started[0]!.note).toContain(`state kept in ${join(dataDir, "stripe-stand-in.json")}`);
      expect(await sdk(after).customers.retrieve(customer.id)).toMatchObject({ id: customer.id, email: "kept@example.test" });
      expect(after.STRIPE_PRICE_PRO_MONTHLY).toBe(before.STRIPE_PRICE_PRO_MONTHLY);
    } finally {
      await second.close();
    }
  });
});
