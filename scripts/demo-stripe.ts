/**
 * `npm run demo:stripe`: the whole subscription lifecycle against the local Stripe stand-in,
 * without the app. Headless Chromium pays on the hosted Checkout page; a test clock moves time;
 * a local receiver verifies every webhook with the SDK and prints it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "@playwright/test";
import { sdkFor } from "../e2e/stand-ins/stripe/sdk";
import { startStripeStandIn } from "../e2e/stand-ins/stripe/server";

const SECRET = "sk_test_demo";
const DAY = 86_400;
const log = (line: string) => console.log(line);

const standIn = await startStripeStandIn({ secretKey: SECRET, delivery: { retryBaseMs: 50 } });
const stripe = sdkFor(standIn.url, SECRET);

let webhookSecret = "";
const receiver = createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(200, { "content-type": "text/html" }).end("<h1>Back in the app</h1>");
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    try {
      const event = stripe.webhooks.constructEvent(Buffer.concat(chunks).toString("utf8"), String(req.headers["stripe-signature"]), webhookSecret);
      const object = event.data.object as { id?: string; status?: string };
      log(`  webhook ✓ verified  ${event.type.padEnd(40)} ${object.id ?? ""}${object.status ? ` (${object.status})` : ""}`);
      res.writeHead(200).end();
    } catch (error) {
      log(`  webhook ✗ REJECTED  ${error instanceof Error ? error.message : String(error)}`);
      res.writeHead(400).end();
    }
  });
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
webhookSecret = (await stripe.webhookEndpoints.create({ url: `${receiverUrl}/webhook`, enabled_events: ["*"] })).secret!;

const product = await stripe.products.create({ name: "VantFlow Pro" });
const price = await stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });

async function run(card: string, label: string) {
  log(`\n== ${label}: card ${card}`);
  const start = Math.floor(Date.now() / 1000);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: label });
  const customer = await stripe.customers.create({ email: `${label.replace(/\W+/g, "-")}@example.test`, test_clock: clock.id });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: price.id, quantity: 1 }],
    subscription_data: { trial_period_days: 14 },
    success_url: `${receiverUrl}/done?session_id={CHECKOUT_SESSION_ID}`,
  });
  const page = await browser.newPage();
  await page.goto(session.url!);
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  await page.waitForURL(/session_id=/);
  await page.close();
  await standIn.bus.settle();
  const subId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
  const status = async () => (await stripe.subscriptions.retrieve(subId)).status;
  log(`-> paid on the hosted page; subscription ${subId} is ${await status()}`);

  for (const days of [15, 18, 20, 22, 45]) {
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + days * DAY });
    await standIn.bus.settle();
    log(`-> test clock at day ${days}: ${await status()}`);
    if (["canceled", "unpaid"].includes(await status())) break;
  }
}

try {
  await run("4242 4242 4242 4242", "pays");
  await run("4000 0000 0000 0341", "fails when charged");
  // The account's Revenue recovery setting: after the last retry, mark unpaid instead of canceling.
  standIn.store.settings.afterFinalRetry = "mark_unpaid";
  await run("4000 0000 0000 0341", "fails when charged, account marks unpaid");
} finally {
  await browser.close();
  await standIn.close();
  receiver.close();
}
