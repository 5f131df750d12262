import { inject } from "vitest";
import { startTestGemini } from "~/test/gemini";
import { startTestSendGrid } from "~/test/sendgrid";

// Runs in each worker before any test module imports ~/env.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL ??= "redis://127.0.0.1:6379";
process.env.AUTH_SECRET ??= "test-auth-secret-test-auth-secret-0123456789";
process.env.LOGIN_MAX_ATTEMPTS = "5";
// Tests register from one address ("unknown": no X-Forwarded-For) into a Redis shared by every
// run; the registration limit's own test sets a low one before importing ~/env.
process.env.REGISTER_CLIENT_MAX_PER_HOUR = "1000000";
// The operators who also get payment failures and failed webhooks/jobs (notifications/recipients.ts).
process.env.BILLING_ADMIN_EMAILS ??= "Ops@VantFlow.test, finance@vantflow.test";

// Webhook processing waits this long after a customer's newest event (production: 2 s); tests
// that deliver and then read rows wait for it (src/test/stripe.ts `deliver`).
process.env.BILLING_EVENT_DEBOUNCE_MS ??= "50";

const stripe = inject("stripe");
process.env.STRIPE_SECRET_KEY = stripe.secretKey;
process.env.STRIPE_API_BASE = stripe.apiBase;
process.env.STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
Object.assign(process.env, stripe.prices);

const qstash = inject("qstash");
process.env.QSTASH_URL = qstash.url;
process.env.QSTASH_TOKEN = qstash.token;
process.env.QSTASH_CURRENT_SIGNING_KEY = qstash.currentSigningKey;
process.env.QSTASH_NEXT_SIGNING_KEY = qstash.nextSigningKey;

const gemini = await startTestGemini();
process.env.GEMINI_API_BASE = gemini.url;
process.env.GEMINI_API_KEY = gemini.apiKey;

const sendgrid = await startTestSendGrid();
process.env.SENDGRID_API_BASE = sendgrid.url;
process.env.SENDGRID_API_KEY = sendgrid.apiKey;
process.env.SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY = sendgrid.eventWebhookPublicKey;
