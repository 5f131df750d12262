import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

// The only reader of process.env. Every variable is listed in README.md and .env.example.
// Optional service credentials select the real service; when one is absent the app talks to the
// local stand-in whose base URL the start script provides (see scripts/dev.ts).

const optionalUrl = z.string().url().optional();

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.string().url(),
    /** Connections in this process's PostgreSQL pool (src/server/clients/db.ts); on serverless, instances × this ≤ the server's limit. */
    DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
    /** How long a query waits for a free pool connection before it fails (503). */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    /** Server-side limit of one statement (statement_timeout). */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(15000),
    /** Server-side limit of waiting for a row or table lock (lock_timeout): a blocked write fails fast (503) instead of holding a connection. */
    DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
    /** A session left idle inside an open transaction longer than this is ended by the server (idle_in_transaction_session_timeout). */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().positive().default(30000),
    APP_URL: z.string().url().default("http://localhost:3000"),

    AUTH_SECRET: process.env.NODE_ENV === "production" ? z.string().min(32) : z.string().min(32).optional(),
    /** Failed password attempts for one email from one client allowed in LOGIN_WINDOW_SECONDS before 429. */
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
    /** Failed password attempts from one client over all emails in the window (password spraying). */
    LOGIN_CLIENT_MAX_ATTEMPTS: z.coerce.number().int().positive().default(20),
    /** Failed attempts for one email from clients that never signed in to it, in the window. */
    LOGIN_EMAIL_MAX_ATTEMPTS: z.coerce.number().int().positive().default(20),
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
    /**
     * Proxies in front of the app that append to X-Forwarded-For (Vercel, or one nginx): the client
     * address is the entry this many places from the right. 0 trusts no header (every client is unknown).
     */
    TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).default(1),
    /** Accounts one client address may register per hour (src/server/security/rate-limit.ts). */
    REGISTER_CLIENT_MAX_PER_HOUR: z.coerce.number().int().positive().default(5),

    REDIS_URL: optionalUrl,
    UPSTASH_REDIS_REST_URL: optionalUrl,
    UPSTASH_REDIS_REST_TOKEN: z.string().optional(),

    STRIPE_SECRET_KEY: z.string().startsWith("sk_").optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_").optional(),
    /** Base URL of the Stripe API; set only to point the SDK at the local stand-in. */
    STRIPE_API_BASE: optionalUrl,
    /** Per-request timeout of the Stripe SDK (its default is 80 s); with STRIPE_MAX_NETWORK_RETRIES it bounds a call. */
    STRIPE_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
    STRIPE_MAX_NETWORK_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    STRIPE_PRICE_PRO_MONTHLY: z.string().optional(),
    STRIPE_PRICE_PRO_YEARLY: z.string().optional(),
    STRIPE_PRICE_BUSINESS_MONTHLY: z.string().optional(),
    STRIPE_PRICE_BUSINESS_YEARLY: z.string().optional(),

    QSTASH_URL: optionalUrl,
    QSTASH_TOKEN: z.string().optional(),
    QSTASH_CURRENT_SIGNING_KEY: z.string().optional(),
    QSTASH_NEXT_SIGNING_KEY: z.string().optional(),

    GEMINI_API_KEY: z.string().optional(),
    /** Base URL of the Gemini API; set only to point the Gen AI SDK at the local stand-in. */
    GEMINI_API_BASE: optionalUrl,
    GEMINI_MODEL: z.string().default("gemini-2.5-flash"),

    SENDGRID_API_KEY: z.string().optional(),
    /** Base URL of the SendGrid API; set only to point @sendgrid/mail at the local stand-in. */
    SENDGRID_API_BASE: optionalUrl,
    /** Per-request timeout of the SendGrid client (axios has none by default). */
    SENDGRID_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
    /**
     * The Event Webhook's verification key (SendGrid: Mail Settings → Signed Event Webhook), base64
     * DER as SendGrid shows it. Unset → POST /api/webhooks/sendgrid answers 503: events are never
     * accepted unverified.
     */
    SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: z.string().optional(),
    /** Sender of the app's email, "Name <address>" or an address; SendGrid must know it as a verified sender. */
    EMAIL_FROM: z.string().min(3).default("VantFlow Billing <billing@vantflow.example>"),
    /** Days a past_due org keeps its paid plan's limits before it falls back to free. */
    BILLING_GRACE_DAYS: z.coerce.number().int().min(0).default(7),
    /** Milliseconds one call of the daily reconcile works before it hands on by cursor (a function has 300 s). */
    BILLING_RECONCILE_CALL_BUDGET_MS: z.coerce.number().int().min(1).default(240_000),
    /**
     * Trailing debounce of webhook processing per Stripe customer: a customer's pending events are
     * synced once its newest one is this old, so a burst of events makes one sync. Both waits run
     * inside after(), which lives only as long as the webhook route's maxDuration (120 s): capped.
     */
    BILLING_EVENT_DEBOUNCE_MS: z.coerce.number().int().min(0).max(30_000).default(2000),
    /** A customer whose oldest pending event is this old is synced even while events keep coming. */
    BILLING_EVENT_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(30_000),
    /** Customers one instance processes at once after webhook responses (the rest wait, bounded, or are left to the drain). */
    BILLING_EVENT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    BILLING_ADMIN_EMAILS: z
      .string()
      .optional()
      .transform((v) => (v ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)),
  },
  client: {},
  runtimeEnv: {
    NODE_ENV: process.env.NODE_ENV,
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX,
    DATABASE_CONNECT_TIMEOUT_MS: process.env.DATABASE_CONNECT_TIMEOUT_MS,
    DATABASE_STATEMENT_TIMEOUT_MS: process.env.DATABASE_STATEMENT_TIMEOUT_MS,
    DATABASE_LOCK_TIMEOUT_MS: process.env.DATABASE_LOCK_TIMEOUT_MS,
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    APP_URL: process.env.APP_URL,
    AUTH_SECRET: process.env.AUTH_SECRET,
    LOGIN_MAX_ATTEMPTS: process.env.LOGIN_MAX_ATTEMPTS,
    LOGIN_CLIENT_MAX_ATTEMPTS: process.env.LOGIN_CLIENT_MAX_ATTEMPTS,
    LOGIN_EMAIL_MAX_ATTEMPTS: process.env.LOGIN_EMAIL_MAX_ATTEMPTS,
    LOGIN_WINDOW_SECONDS: process.env.LOGIN_WINDOW_SECONDS,
    TRUSTED_PROXY_COUNT: process.env.TRUSTED_PROXY_COUNT,
    REGISTER_CLIENT_MAX_PER_HOUR: process.env.REGISTER_CLIENT_MAX_PER_HOUR,
    REDIS_URL: process.env.REDIS_URL,
    UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL,
    UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN,
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE: process.env.STRIPE_API_BASE,
    STRIPE_TIMEOUT_MS: process.env.STRIPE_TIMEOUT_MS,
    STRIPE_MAX_NETWORK_RETRIES: process.env.STRIPE_MAX_NETWORK_RETRIES,
    STRIPE_PRICE_PRO_MONTHLY: process.env.STRIPE_PRICE_PRO_MONTHLY,
    STRIPE_PRICE_PRO_YEARLY: process.env.STRIPE_PRICE_PRO_YEARLY,
    STRIPE_PRICE_BUSINESS_MONTHLY: process.env.STRIPE_PRICE_BUSINESS_MONTHLY,
    STRIPE_PRICE_BUSINESS_YEARLY: process.env.STRIPE_PRICE_BUSINESS_YEARLY,
    QSTASH_URL: process.env.QSTASH_URL,
    QSTASH_TOKEN: process.env.QSTASH_TOKEN,
    QSTASH_CURRENT_SIGNING_KEY: process.env.QSTASH_CURRENT_SIGNING_KEY,
    QSTASH_NEXT_SIGNING_KEY: process.env.QSTASH_NEXT_SIGNING_KEY,
    GEMINI_API_KEY: process.env.GEMINI_API_KEY,
    GEMINI_API_BASE: process.env.GEMINI_API_BASE,
    GEMINI_MODEL: process.env.GEMINI_MODEL,
    SENDGRID_API_KEY: process.env.SENDGRID_API_KEY,
    SENDGRID_API_BASE: process.env.SENDGRID_API_BASE,
    SENDGRID_TIMEOUT_MS: process.env.SENDGRID_TIMEOUT_MS,
    SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: process.env.SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY,
    EMAIL_FROM: process.env.EMAIL_FROM,
    BILLING_GRACE_DAYS: process.env.BILLING_GRACE_DAYS,
    BILLING_RECONCILE_CALL_BUDGET_MS: process.env.BILLING_RECONCILE_CALL_BUDGET_MS,
    BILLING_EVENT_DEBOUNCE_MS: process.env.BILLING_EVENT_DEBOUNCE_MS,
    BILLING_EVENT_MAX_WAIT_MS: process.env.BILLING_EVENT_MAX_WAIT_MS,
    BILLING_EVENT_CONCURRENCY: process.env.BILLING_EVENT_CONCURRENCY,
    BILLING_ADMIN_EMAILS: process.env.BILLING_ADMIN_EMAILS,
  },
  // `next build` runs with NODE_ENV=production: SKIP_ENV_VALIDATION exists only for tooling
  // (lint, typecheck) that imports modules without a configured environment.
  skipValidation: !!process.env.SKIP_ENV_VALIDATION,
  emptyStringAsUndefined: true,
});
