/**
 * The stand-ins `npm run dev` starts for each outside service that is not configured: Stripe
 * (no STRIPE_SECRET_KEY), QStash (no QSTASH_TOKEN), Gemini (no GEMINI_API_KEY) and SendGrid
 * (no SENDGRID_API_KEY; its mailbox page shows every email the app sent). Each returns
 * the env lines that point the app's official client at it; with real keys set, none starts.
 * Keys of stand-ins are fixed, local-only values: they guard nothing outside this machine.
 */
import { Client } from "@upstash/qstash";
import { startGeminiStandIn } from "../../e2e/stand-ins/gemini/server";
import { startQStashStandIn } from "../../e2e/stand-ins/qstash/server";
import { startSendGridStandIn } from "../../e2e/stand-ins/sendgrid/server";
import { registerSchedules } from "../../src/server/jobs/schedules";
import { localState } from "./local-state";
import { startLocalStripe } from "./local-stripe";

export interface StartedStandIn {
  name: string;
  url: string;
  note: string;
  close(): Promise<void>;
}

/** `dataDir`: where the Stripe stand-in keeps its state between runs (local-state.ts); none → memory only. */
export async function startLocalServices(env: Record<string, string | undefined>, appUrl: string, opts: { dataDir?: string } = {}) {
  const started: StartedStandIn[] = [];
  const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
  try {
    if (!env.STRIPE_SECRET_KEY) {
      const statePath = opts.dataDir ? localState(opts.dataDir).stripe : undefined;
      const stripe = await startLocalStripe({ appUrl, port: port("STRIPE_STAND_IN_PORT", 12111), statePath });
      Object.assign(env, stripe.env);
      started.push({
        name: "Stripe",
        url: stripe.standIn.url,
        note: `plan catalogue seeded, webhooks → /api/billing/webhooks/stripe, test card 4242 4242 4242 4242; ${statePath ? `state kept in ${statePath}` : "state in memory"}`,
        close: () => stripe.standIn.close(),
      });
    }
    if (!env.QSTASH_TOKEN) {
      const keys = { token: "qstash_local_stand_in", currentSigningKey: "sig_local_current", nextSigningKey: "sig_local_next" };
      const qstash = await startQStashStandIn({ ...keys, port: port("QSTASH_STAND_IN_PORT", 12112) });
      Object.assign(env, {
        QSTASH_URL: qstash.url,
        QSTASH_TOKEN: keys.token,
        QSTASH_CURRENT_SIGNING_KEY: keys.currentSigningKey,
        QSTASH_NEXT_SIGNING_KEY: keys.nextSigningKey,
      });
      const schedules = await registerSchedules(new Client({ token: keys.token, baseUrl: qstash.url }), appUrl);
      started.push({
        name: "QStash",
        url: qstash.url,
        note: `schedules: ${schedules.map((s) => `${s.scheduleId} (${s.cron} UTC)`).join(", ")}; deliveries signed for the official Receiver`,
        close: () => qstash.close(),
      });
    }
    if (!env.GEMINI_API_KEY) {
      const apiKey = "gemini_local_stand_in";
      const gemini = await startGeminiStandIn({ apiKey, port: port("GEMINI_STAND_IN_PORT", 12113) });
      Object.assign(env, { GEMINI_API_KEY: apiKey, GEMINI_API_BASE: gemini.url });
      started.push({ name: "Gemini", url: gemini.url, note: "deterministic replies with usage metadata", close: () => gemini.close() });
    }
    if (!env.SENDGRID_API_KEY) {
      const apiKey = "SG.local_stand_in";
      const sendgrid = await startSendGridStandIn({ apiKey, port: port("SENDGRID_STAND_IN_PORT", 12114) });
      // The stand-in signs the events it posts (POST /__stand-in/events) with its own key.
      Object.assign(env, { SENDGRID_API_KEY: apiKey, SENDGRID_API_BASE: sendgrid.url, SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: sendgrid.eventWebhookPublicKey });
      started.push({ name: "SendGrid", url: sendgrid.url, note: `emails are kept, not delivered: mailbox at ${sendgrid.url}/`, close: () => sendgrid.close() });
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    throw error;
  }
  return { started, close: () => Promise.all(started.map((s) => s.close().catch(() => undefined))) };
}
