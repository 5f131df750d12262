/**
 * Playwright's web server: the Stripe stand-in (every customer on its own test clock, webhooks
 * to the app), the Gemini stand-in, and `next start` of the finished build, pointed at both. Specs
 * reach the Stripe stand-in through the official SDK on E2E_STRIPE_PORT.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { startGeminiStandIn } from "../e2e/stand-ins/gemini/server";
import { startSendGridStandIn } from "../e2e/stand-ins/sendgrid/server";
import { startLocalStripe } from "./lib/local-stripe";

const root = resolve(import.meta.dirname, "..");
const port = Number(process.env.E2E_PORT ?? 3100);
const appUrl = process.env.APP_URL ?? `http://127.0.0.1:${port}`;
const stripe = await startLocalStripe({ appUrl, port: Number(process.env.E2E_STRIPE_PORT ?? 3199), settings: { clockPerCustomer: true } });
console.log(`[e2e] Stripe stand-in on ${stripe.standIn.url}`);
const geminiKey = "gemini_e2e";
const gemini = await startGeminiStandIn({ apiKey: geminiKey });
console.log(`[e2e] Gemini stand-in on ${gemini.url}`);
// Specs read what the app sent from its mailbox (GET /__stand-in/messages?to=) on E2E_SENDGRID_PORT.
const sendGridKey = "SG.e2e.key";
const sendGrid = await startSendGridStandIn({ apiKey: sendGridKey, port: Number(process.env.E2E_SENDGRID_PORT ?? 3198), host: "127.0.0.1" });
console.log(`[e2e] SendGrid stand-in (mailbox) on ${sendGrid.url}`);
const closeStandIns = () => Promise.all([stripe.standIn.close(), gemini.close(), sendGrid.close()]);

// Every spec registers its users from 127.0.0.1, far more than the hourly default per client
// address (the limit itself is tested in src/server/rest/auth.int.test.ts).
const registrationsPerHour = process.env.REGISTER_CLIENT_MAX_PER_HOUR ?? "100000";
const next = spawn(join(root, "node_modules/.bin/next"), ["start", "--port", String(port), "--hostname", "127.0.0.1"], {
  cwd: root,
  env: {
    ...process.env,
    ...stripe.env,
    GEMINI_API_KEY: geminiKey,
    GEMINI_API_BASE: gemini.url,
    SENDGRID_API_KEY: sendGridKey,
    SENDGRID_API_BASE: sendGrid.url,
    SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: sendGrid.eventWebhookPublicKey,
    APP_URL: appUrl,
    REGISTER_CLIENT_MAX_PER_HOUR: registrationsPerHour,
    // Webhooks are processed after the answer, once a customer's events are this quiet; specs
    // that wait for billing rows after a stand-in action should not wait the production 2 s.
    BILLING_EVENT_DEBOUNCE_MS: process.env.BILLING_EVENT_DEBOUNCE_MS ?? "100",
  },
  stdio: "inherit",
});
const stop = async () => {
  next.kill("SIGTERM");
  await closeStandIns();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
next.on("exit", (code) => {
  void closeStandIns().finally(() => process.exit(code ?? 1));
});
