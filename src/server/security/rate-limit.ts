/**
 * Limits on how fast one user (or one client address) may create things (or make us call Stripe), counted in the shared
 * counter store so every instance sees the same count.
 *
 * Written here rather than taken from @upstash/ratelimit: that library drives only the Upstash
 * REST client, while a self-hosted install reaches Redis through ioredis; both sit behind the
 * `kv` store's interface, which runs the one Lua script below on either (and in-process in
 * development).
 *
 * A fixed window that opens at the first creation: at most `limit` in any window, so at most
 * 2 × limit across a window's edge — enough to stop a script from filling the database, which is
 * all these limits are for.
 */
import { env } from "~/env";
import { kv, type KeyValueStore, type StoreScript } from "~/server/clients/redis";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";

const HOUR = 3600;

/** The one table of creation rates. */
export const rateLimits = {
  /** Organizations one user creates. */
  orgCreate: { limit: 10, windowSeconds: HOUR, what: "organizations" },
  /** API tokens one user creates, in settings or through POST /api/auth/token: one count for both. */
  tokenCreate: { limit: 20, windowSeconds: HOUR, what: "API tokens" },
  /** Invitation emails one organization sends (invites and resends): no use of the app as a mailer. */
  invitationSend: { limit: 50, windowSeconds: HOUR, what: "invitation emails" },
  /** Accounts registered from one client address (clientAddress, behind the trusted proxies). */
  register: { limit: env.REGISTER_CLIENT_MAX_PER_HOUR, windowSeconds: HOUR, what: "accounts" },
  /** Password reset requests from one client address, for any emails: a script mailing strangers. */
  passwordResetClient: { limit: 10, windowSeconds: HOUR, what: "password reset requests" },
  /** Password reset requests for one email (keyed by its hash), from anywhere: one inbox flooded. */
  passwordResetEmail: { limit: 5, windowSeconds: HOUR, what: "password reset requests for one email" },
  /**
   * Reads from Stripe one organization asks for (a checkout return, "sync now"): each costs Stripe
   * API calls on our key, so a loop of them must not use up its rate limit. Per org, and per user
   * across their orgs.
   */
  stripeSyncOrg: { limit: 30, windowSeconds: 10 * 60, what: "Stripe syncs for one organization", verb: "run" },
  stripeSyncUser: { limit: 60, windowSeconds: 10 * 60, what: "Stripe syncs", verb: "run" },
} as const;

export type RateLimitName = keyof typeof rateLimits;

/** Counts one hit and returns [count in the window, seconds until the window ends]. */
const HIT: StoreScript = {
  lua: `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`,
  local(ops, [key], [window]) {
    const count = ops.incrBy(key!, 1);
    let ttl = ops.ttl(key!);
    if (ttl < 0) {
      ops.expire(key!, Number(window));
      ttl = Number(window);
    }
    return [count, ttl];
  },
};

const rateKey = (name: RateLimitName, subject: string) => `ratelimit:${name}:${subject}`;

/**
 * Counts one creation by `subject` (a user id or a client address) against `name`'s limit;
 * over it → RATE_LIMITED (429) with Retry-After. A refused attempt counts too, so retrying early
 * does not help, yet the window still ends when it would have.
 *
 * The counter store unreachable → the creation goes through (logged): these limits guard
 * against floods, and refusing every sign-up during a Redis outage would be the greater harm.
 */
export async function enforceRateLimit(name: RateLimitName, subject: string, store: KeyValueStore = kv): Promise<void> {
  const entry = rateLimits[name];
  const { limit, windowSeconds, what } = entry;
  let count: number;
  let ttl: number;
  try {
    const reply = (await store.run(HIT, [rateKey(name, subject)], [String(windowSeconds)])) as [unknown, unknown];
    [count, ttl] = [Number(reply[0]), Number(reply[1])];
  } catch (error) {
    logger.warn("rate limit: the counter store did not answer; letting the request through", { limit: name, error });
    return;
  }
  if (count <= limit) return;
  const retryAfterSeconds = Math.max(1, ttl);
  const verb = "verb" in entry ? entry.verb : "create";
  throw new AppError("RATE_LIMITED", `You can ${verb} at most ${limit} ${what} ${per(windowSeconds)}. Try again in ${waitText(retryAfterSeconds)}.`, {
    headers: { "Retry-After": String(retryAfterSeconds) },
    details: { reason: `${name}_rate_limited`, limit, retryAfterSeconds },
  });
}

const per = (seconds: number) => (seconds === HOUR ? "per hour" : `in ${Math.ceil(seconds / 60)} minutes`);
const waitText = (seconds: number) => (seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);
