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
};
const variables = (config: Record<string, string | undefined>) => checkEnv(config).map((p) => p.variable);

describe("checkEnv", () => {
  it("passes a complete production set", () => {
    expect(checkEnv(complete)).toEqual([]);
  });

  it("names each missing variable, an empty value counting as unset", () => {
    expect(variables({ ...complete, STRIPE_WEBHOOK_SECRET: "" })).toEqual(["STRIPE_WEBHOOK_SECRET"]);
    expect(variables({ ...complete, QSTASH_NEXT_SIGNING_KEY: undefined, DATABASE_URL: " " })).toEqual(["DATABASE_URL", "QSTASH_NEXT_SIGNING_KEY"]);
    expect(checkEnv({ ...complete, STRIPE_PRICE_BUSINESS_YEARLY: undefined })[0]!.message).toContain("billing");
  });

  it("wants a public https APP_URL (loopback may be http) without a path", () => {
    expect(variables({ ...complete, APP_URL: "http://billing.example.com" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "https://billing.example.com/app" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "not a url" })).toEqual(["APP_URL"]);
    expect(variables({ ...complete, APP_URL: "http://127.0.0.1:3000" })).toEqual([]);
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
