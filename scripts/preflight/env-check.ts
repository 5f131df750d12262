import { PRICE_ENV } from "../../src/server/billing/plans";
import { problem, valueOf, type PreflightConfig, type PreflightOptions, type Problem } from "./problems";

/** The groups of production variables, as the README's Deploying section lists them. */
export const PRICE_VARIABLES = Object.values(PRICE_ENV).flatMap((byInterval) => Object.values(byInterval));
export const REQUIRED = ["DATABASE_URL", "APP_URL", "AUTH_SECRET"] as const;
export const BILLING = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", ...PRICE_VARIABLES] as const;
export const JOBS = ["QSTASH_TOKEN", "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"] as const;
export const EMAIL = ["SENDGRID_API_KEY", "SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY"] as const;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

const missing = (config: PreflightConfig, names: readonly string[], what: string) =>
  names.filter((name) => !valueOf(config, name)).map((name) => problem(name, `is not set (${what})`));

function checkAppUrl(url: string | undefined): Problem[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [problem("APP_URL", `is not a URL: ${url}`)];
  }
  // QStash, Stripe's return URLs and the session cookie's Secure flag all follow this address.
  if (parsed.protocol !== "https:" && !LOOPBACK.has(parsed.hostname)) {
    return [problem("APP_URL", `must be the public https:// address (is ${parsed.origin})`)];
  }
  if (parsed.pathname !== "/" || parsed.search) return [problem("APP_URL", `must be an origin without a path (is ${url})`)];
  return [];
}

function checkRedis(config: PreflightConfig): Problem[] {
  const upstashUrl = valueOf(config, "UPSTASH_REDIS_REST_URL");
  const upstashToken = valueOf(config, "UPSTASH_REDIS_REST_TOKEN");
  if (upstashUrl && !upstashToken) return [problem("UPSTASH_REDIS_REST_TOKEN", "is not set, but UPSTASH_REDIS_REST_URL is")];
  if (upstashToken && !upstashUrl) return [problem("UPSTASH_REDIS_REST_URL", "is not set, but UPSTASH_REDIS_REST_TOKEN is")];
  if (upstashUrl || valueOf(config, "REDIS_URL")) return [];
  // Without either, counters and rate limits live in one process: wrong for more than one instance.
  return [problem("REDIS_URL", "is not set, nor UPSTASH_REDIS_REST_URL/UPSTASH_REDIS_REST_TOKEN (counters would live in one process)")];
}

function checkStripeFormats(config: PreflightConfig): Problem[] {
  const problems: Problem[] = [];
  const key = valueOf(config, "STRIPE_SECRET_KEY");
  if (key && !/^sk_(live|test)_/.test(key)) problems.push(problem("STRIPE_SECRET_KEY", "must be a secret key, sk_live_… or sk_test_…"));
  const secret = valueOf(config, "STRIPE_WEBHOOK_SECRET");
  if (secret && !secret.startsWith("whsec_")) problems.push(problem("STRIPE_WEBHOOK_SECRET", "must be an endpoint signing secret, whsec_…"));
  for (const name of PRICE_VARIABLES) {
    const id = valueOf(config, name);
    if (id && !id.startsWith("price_")) problems.push(problem(name, `must be a Stripe price id, price_… (is ${id})`));
  }
  return problems;
}

/**
 * Complete and consistent, without calling anything: every production variable set, in its
 * format, and no tooling switch left on. Pure, so each rule has a unit test.
 */
export function checkEnv(config: PreflightConfig, opts: PreflightOptions = { jobs: "qstash" }): Problem[] {
  const problems = [
    ...missing(config, REQUIRED, "required"),
    ...missing(config, BILLING, "billing"),
    ...(opts.jobs === "qstash" ? missing(config, JOBS, "jobs") : []),
    ...missing(config, EMAIL, "email"),
    ...checkAppUrl(valueOf(config, "APP_URL")),
    ...checkRedis(config),
    ...checkStripeFormats(config),
  ];
  const secret = valueOf(config, "AUTH_SECRET");
  if (secret && secret.length < 32) problems.push(problem("AUTH_SECRET", `is ${secret.length} characters; it needs at least 32 (openssl rand -base64 32)`));
  if (valueOf(config, "SKIP_ENV_VALIDATION")) problems.push(problem("SKIP_ENV_VALIDATION", "is set: it turns off the app's own check of these variables; unset it"));
  return problems;
}
