import { describe, expect, it } from "vitest";
import { checkEnv } from "./env-check";

/** A complete production set: every rule below breaks exactly one thing in it. */
const complete = {
  DATABASE_URL: "postgresql://app@db.internal:5432/vantflow",
  APP_URL: "https://billing.example.com",
  AUTH_SECRET: "x".repeat(44),
  REDIS_URL: "redis://cache.internal:6379",
  STRIPE_SECRET_KEY: "sk_live_abc",
  STRIPE_WEBHOOK_SECRET: "whsec_abc",
  STRIPE_PRICE_PRO_MONTHLY: "price_a",
  STRIPE_PRICE_PRO_YEARLY: "price_b",
  STRIPE_PRICE_BUSINESS_MONTHLY: "price_c",
  STRIPE_PRICE_BUSINESS_YEARLY: "price_d",
  QSTASH_TOKEN: "qstash",
  QSTASH_CURRENT_SIGNING_KEY: "sig_current",
  QSTASH_NEXT_SIGNING_KEY: "sig_next",
  SENDGRID_API_KEY: "SG.key",
  SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: "MFkw",
  EMAIL_FROM: "VantFlow Billing <billing@billing.example.com>",
};
const standIns = { jobs: "qstash", standIns: true } as const;
const variables = (config: Record<string, string | undefined>, opts?: Parameters<typeof checkEnv>[1]) => checkEnv(config, opts).map((p) => p.variable);

describe("checkEnv", () => {
  it("passes a complete production set", () => {
    expect(checkEnv(complete)).toEqual([]);
  });

  it("names each missing variable, an empty value counting as unset", () => {
    expect(variables({ ...complete, STRIPE_WEBHOOK_SECRET: "" })).toEqual(["STRIPE_WEBHOOK_SECRET"]);
    expect(variables({ ...complete, QSTASH_NEXT_SIGNING_KEY: undefined, DATABASE_URL: " " })).toEqual(["DATABASE_URL", "QSTASH_NEXT_SIGNING_KEY"]);
    expect(checkEnv({ ...complete, STRIPE_PRICE_BUSINESS_YEARLY: undefined })[0]!.message).toContain("billing");
  });

  it("wants a public https APP_URL without a path (http on loopback only against the stand-ins)", () => {
    expect(variables({ ...complete, APP_URL: "http://billing.example.com" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "https://billing.example.com/app" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "not a url" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "http://127.0.0.1:3000" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "http://localhost:3000" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "http://127.0.0.1:3000" }, standIns)).toEqual([]);
    expect(variables({ ...complete, APP_URL: "http://billing.example.com" }, standIns)).toEqual(["APP_URL"]);
  });

  it("fails any *_API_BASE (an SDK pointed at a stand-in), naming each, unless run against the stand-ins", () => {
    const bases = { STRIPE_API_BASE: "http://127.0.0.1:12111", SENDGRID_API_BASE: "http://127.0.0.1:12114", GEMINI_API_BASE: "http://127.0.0.1:12113" };
    expect(variables({ ...complete, ...bases })).toEqual(["GEMINI_API_BASE", "SENDGRID_API_BASE", "STRIPE_API_BASE"]);
    expect(variables({ ...complete, SOMETHING_API_BASE: "http://127.0.0.1:1" })).toEqual(["SOMETHING_API_BASE"]);
    expect(variables({ ...complete, STRIPE_API_BASE: " " })).toEqual([]);
    expect(variables({ ...complete, ...bases }, standIns)).toEqual([]);
  });

  it("wants EMAIL_FROM set explicitly at a real domain (the placeholder only against the stand-ins)", () => {
    expect(variables({ ...complete, EMAIL_FROM: undefined })).toEqual(["EMAIL_FROM"]);
    const placeholder = checkEnv({ ...complete, EMAIL_FROM: "VantFlow Billing <billing@vantflow.example>" });
    expect(placeholder).toEqual([{ variable: "EMAIL_FROM", message: expect.stringContaining("placeholder domain vantflow.example") }]);
    expect(variables({ ...complete, EMAIL_FROM: "billing@vantflow.example" })).toEqual(["EMAIL_FROM"]);
    expect(variables({ ...complete, EMAIL_FROM: "VantFlow Billing" })).toEqual(["EMAIL_FROM"]);
    expect(variables({ ...complete, EMAIL_FROM: "billing@acme.io" })).toEqual([]);
    expect(variables({ ...complete, EMAIL_FROM: undefined }, standIns)).toEqual([]);
    expect(variables({ ...complete, EMAIL_FROM: "VantFlow Billing <billing@vantflow.example>" }, standIns)).toEqual([]);
  });

  it("warns, without failing, about a test-mode key in a deployment", () => {
    expect(checkEnv({ ...complete, STRIPE_SECRET_KEY: "sk_test_abc" })).toEqual([
      { variable: "STRIPE_SECRET_KEY", message: expect.stringContaining("test-mode key"), warning: true },
    ]);
    expect(checkEnv({ ...complete, STRIPE_SECRET_KEY: "sk_test_abc" }, standIns)).toEqual([]);
  });

  it("wants Redis shared by every instance: REDIS_URL or both Upstash values", () => {
    expect(variables({ ...complete, REDIS_URL: undefined })).toEqual(["REDIS_URL"]);
    expect(variables({ ...complete, REDIS_URL: undefined, UPSTASH_REDIS_REST_URL: "https://x.upstash.io" })).toEqual(["UPSTASH_REDIS_REST_TOKEN"]);
    expect(variables({ ...complete, REDIS_URL: undefined, UPSTASH_REDIS_REST_URL: "https://x.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" })).toEqual([]);
  });

  it("checks the formats of keys, secrets and price ids, and a short AUTH_SECRET", () => {
    expect(variables({ ...complete, STRIPE_SECRET_KEY: "pk_live_abc" })).toEqual(["STRIPE_SECRET_KEY"]);
    expect(variables({ ...complete, STRIPE_WEBHOOK_SECRET: "we_123" })).toEqual(["STRIPE_WEBHOOK_SECRET"]);
    expect(variables({ ...complete, STRIPE_PRICE_PRO_YEARLY: "prod_123" })).toEqual(["STRIPE_PRICE_PRO_YEARLY"]);
    expect(variables({ ...complete, AUTH_SECRET: "short" })).toEqual(["AUTH_SECRET"]);
  });

  it("asks nothing of QStash when a local scheduler runs the jobs", () => {
    const noQStash = { ...complete, QSTASH_TOKEN: undefined, QSTASH_CURRENT_SIGNING_KEY: undefined, QSTASH_NEXT_SIGNING_KEY: undefined };
    expect(variables(noQStash)).toEqual(["QSTASH_TOKEN", "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"]);
    expect(checkEnv(noQStash, { jobs: "cron" })).toEqual([]);
  });

  it("refuses SKIP_ENV_VALIDATION in a deployment, and never prints a secret's value", () => {
    expect(variables({ ...complete, SKIP_ENV_VALIDATION: "1" })).toEqual(["SKIP_ENV_VALIDATION"]);
    const text = JSON.stringify(checkEnv({ ...complete, AUTH_SECRET: "tooShortSecret", STRIPE_SECRET_KEY: "rk_live_secretvalue" }));
    expect(text).not.toContain("tooShortSecret");
    expect(text).not.toContain("secretvalue");
  });
});
