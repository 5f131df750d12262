import { PRICE_ENV } from "../../src/server/billing/plans";
import { problem, valueOf, warning, type PreflightConfig, type PreflightOptions, type Problem } from "./problems";

/** The groups of production variables, as the README's Deploying section lists them. */
export const PRICE_VARIABLES = Object.values(PRICE_ENV).flatMap((byInterval) => Object.values(byInterval));
export const REQUIRED = ["DATABASE_URL", "APP_URL", "AUTH_SECRET"] as const;
export const BILLING = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", ...PRICE_VARIABLES] as const;
export const JOBS = ["QSTASH_TOKEN", "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"] as const;
export const EMAIL = ["SENDGRID_API_KEY", "SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY"] as const;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Top-level domains reserved by RFC 2606/6761: no mailbox there receives mail (the default sender's vantflow.example). */
const PLACEHOLDER_TLDS = new Set(["example", "test", "invalid", "localhost"]);

const missing = (config: PreflightConfig, names: readonly string[], what: string) =>
  names.filter((name) => !valueOf(config, name)).map((name) => problem(name, `is not set (${what})`));

function checkAppUrl(url: string | undefined, standIns: boolean): Problem[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [problem("APP_URL", `is not a URL: ${url}`)];
  }
  // QStash, Stripe's return URLs and the session cookie's Secure flag all follow this address;
  // only a run against the stand-ins serves on a plain-http loopback address.
  if (parsed.protocol !== "https:" && !(standIns && LOOPBACK.has(parsed.hostname))) {
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

/** Every *_API_BASE points an SDK away from its real service (at a stand-in): none belongs in a deployment. */
function checkApiBases(config: PreflightConfig, standIns: boolean): Problem[] {
  if (standIns) return [];
  return Object.keys(config)
    .filter((name) => name.endsWith("_API_BASE") && valueOf(config, name))
    .sort()
    .map((name) => problem(name, `is set (${valueOf(config, name)}): it points the SDK at a stand-in, not the real service; unset it`));
}

/** The sender must be set on purpose, at a domain that can send (SendGrid refuses an unverified one). */
function checkEmailFrom(config: PreflightConfig, standIns: boolean): Problem[] {
  const from = valueOf(config, "EMAIL_FROM");
  if (!from) return standIns ? [] : [problem("EMAIL_FROM", "is not set (email): the default is a placeholder; set your verified sender, Name <address>")];
  const address = /<([^<>]*)>\s*$/.exec(from)?.[1]?.trim() ?? from;
  const domain = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/.exec(address)?.[1]?.toLowerCase();
  if (!domain) return [problem("EMAIL_FROM", `is not an address or Name <address> (is ${from})`)];
  if (!standIns && PLACEHOLDER_TLDS.has(domain.split(".").at(-1)!)) {
    return [problem("EMAIL_FROM", `uses the placeholder domain ${domain}, which receives and sends no mail; set your verified sender`)];
  }
  return [];
}

/** A test key takes no money: right for a staging copy, so a warning rather than a refusal. */
function testKeyWarnings(config: PreflightConfig, standIns: boolean): Problem[] {
  if (standIns || !valueOf(config, "STRIPE_SECRET_KEY")?.startsWith("sk_test_")) return [];
  return [warning("STRIPE_SECRET_KEY", "is a test-mode key (sk_test_…): this deployment takes no real payments")];
}

/**
 * Complete and consistent, without calling anything: every production variable set, in its
 * format, and no tooling switch left on (a stand-in's API base, SKIP_ENV_VALIDATION). Pure, so
 * each rule has a unit test.
 */
export function checkEnv(config: PreflightConfig, opts: PreflightOptions = { jobs: "qstash" }): Problem[] {
  const standIns = opts.standIns === true;
  const problems = [
    ...missing(config, REQUIRED, "required"),
    ...missing(config, BILLING, "billing"),
    ...(opts.jobs === "qstash" ? missing(config, JOBS, "jobs") : []),
    ...missing(config, EMAIL, "email"),
    ...checkEmailFrom(config, standIns),
    ...checkAppUrl(valueOf(config, "APP_URL"), standIns),
    ...checkApiBases(config, standIns),
    ...checkRedis(config),
    ...checkStripeFormats(config),
    ...testKeyWarnings(config, standIns),
  ];
  const secret = valueOf(config, "AUTH_SECRET");
  if (secret && secret.length < 32) problems.push(problem("AUTH_SECRET", `is ${secret.length} characters; it needs at least 32 (openssl rand -base64 32)`));
  if (valueOf(config, "SKIP_ENV_VALIDATION")) problems.push(problem("SKIP_ENV_VALIDATION", "is set: it turns off the app's own check of these variables; unset it"));
  return problems;
}
