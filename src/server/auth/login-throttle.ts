/**
 * The sign-in throttle. Every password check is reserved first, in one atomic step on the counter
 * store: the step checks each counter that applies against its limit and, only when none is
 * reached, adds one to all of them. So however many guesses arrive at once, at most `limit`
 * failed checks run per counter and window; the rest are refused without a password check.
 * A success gives its reservation back (honest sign-ins spend no budget); anything else keeps it.
 *
 * Counters, each over `windowSeconds`:
 *   email_client  one email from one client address: the lock an attacker at one address meets.
 *                 Each lock-out of the same pair within STRIKE_MEMORY_SECONDS lasts twice as long
 *                 as the one before (window, 2×, 4×, … up to MAX_LOCK_SECONDS).
 *   client        one address over all emails: password spraying.
 *   email         one email from addresses that are not known for it: a distributed attack.
 * A known client is an address that signed in to the email within KNOWN_CLIENT_SECONDS. It meets
 * only email_client, so nobody elsewhere can lock the owner out of their usual address, and an
 * office's shared address stays open to its people while someone there sprays other accounts.
 *
 * Keys hold a short SHA-256 of the email (bounded whatever the input, no address in Redis) and
 * the client address (bounded and printable, see clientAddress). A store that does not answer
 * refuses the sign-in (503): the throttle never opens the door.
 */
import { createHash } from "node:crypto";
import type { KeyValueStore, LocalOps, StoreScript } from "~/server/clients/key-value-store";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";
import { throttledMessage } from "~/server/auth/sign-in-error";
import { UNKNOWN_CLIENT } from "~/server/http/client-address";

export interface LoginThrottleLimits {
  /** Failed checks for one email from one client (LOGIN_MAX_ATTEMPTS). */
  emailClient: number;
  /** Failed checks from one client over all emails (LOGIN_CLIENT_MAX_ATTEMPTS). */
  client: number;
  /** Failed checks for one email from clients not known for it (LOGIN_EMAIL_MAX_ATTEMPTS). */
  email: number;
  windowSeconds: number;
}

const KNOWN_CLIENT_SECONDS = 30 * 86_400;
/** The known-client mark of UNKNOWN_CLIENT: never written, so never found. */
const NEVER_KNOWN = "auth:known-client:never";
export const MAX_LOCK_SECONDS = 86_400;
/** A lock-out counts toward the next one's doubling for this long after it began. */
export const STRIKE_MEMORY_SECONDS = 2 * 86_400;
/** Retry-After when the store does not answer: the circuit breaker's window. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/** The counters, in the order the scripts take them; a refusal names its counter's scope. */
const SCOPES = ["email_client", "client", "email"] as const;

/** Every key of one (email, client) attempt. */
export function throttleKeys(email: string, client: string) {
  const emailHash = createHash("sha256").update(email).digest("hex").slice(0, 16);
  const counters = [`auth:login:email-client:${emailHash}:${client}`, `auth:login:client:${client}`, `auth:login:email:${emailHash}`];
  return {
    emailHash,
    known: `auth:known-client:${emailHash}:${client}`,
    strikes: `auth:login-strikes:${emailHash}:${client}`,
    counters,
    /** Present while a counter's lock-out lasts: the lock-out was logged and its length set. */
    locks: counters.map((key) => `${key}:locked`),
  };
}

/**
 * Reserve. KEYS: 1 known-client mark, 2 email_client strikes, 3–5 the counters in SCOPES order,
 * 6–8 their lock marks. ARGV: 1–3 the limits, 4 window, 5 longest lock, 6 strike memory.
 * Replies {0, n}: reserved the first n counters (1 for a known client, else 3).
 * {i, ttl, first}: counter i is at its limit for ttl more seconds; first = 1 for the refusal that
 * began this lock-out (it set the lock's length).
 */
const RESERVE_LUA = `
local n = 3
if redis.call('EXISTS', KEYS[1]) == 1 then n = 1 end
local window = tonumber(ARGV[4])
for i = 1, n do
  local key = KEYS[2 + i]
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i]) then
    local first = 0
    if redis.call('EXISTS', KEYS[5 + i]) == 0 then
      first = 1
      local lock = redis.call('TTL', key)
      if i == 1 then
        local strikes = redis.call('INCR', KEYS[2])
        redis.call('EXPIRE', KEYS[2], ARGV[6])
        lock = math.min(window * 2 ^ math.min(strikes - 1, 30), tonumber(ARGV[5]))
      elseif lock < 1 then
        lock = window
      end
      redis.call('EXPIRE', key, lock)
      redis.call('SET', KEYS[5 + i], '1', 'EX', lock)
    end
    return {i, redis.call('TTL', key), first}
  end
end
for i = 1, n do
  if redis.call('INCR', KEYS[2 + i]) == 1 then redis.call('EXPIRE', KEYS[2 + i], window) end
end
return {0, n}`;

function reserveLocal(ops: LocalOps, keys: string[], args: string[]): number[] {
  const [known, strikes, ...rest] = keys as [string, string, ...string[]];
  const counters = rest.slice(0, 3);
  const locks = rest.slice(3, 6);
  const limits = args.slice(0, 3).map(Number);
  const [window, longest, memory] = args.slice(3).map(Number) as [number, number, number];
  const n = ops.get(known) !== null ? 1 : 3;
  for (let i = 0; i < n; i++) {
    const key = counters[i]!;
    if (Number(ops.get(key) ?? 0) < limits[i]!) continue;
    let first = 0;
    if (ops.get(locks[i]!) === null) {
      first = 1;
      let lock = ops.ttl(key);
      if (i === 0) {
        const struck = ops.incrBy(strikes, 1);
        ops.expire(strikes, memory);
        lock = Math.min(window * 2 ** Math.min(struck - 1, 30), longest);
      } else if (lock < 1) {
        lock = window;
      }
      ops.expire(key, lock);
      ops.set(locks[i]!, "1");
      ops.expire(locks[i]!, lock);
    }
    return [i + 1, ops.ttl(key), first];
  }
  for (const key of counters.slice(0, n)) if (ops.incrBy(key, 1) === 1) ops.expire(key, window);
  return [0, n];
}

const RESERVE: StoreScript = { lua: RESERVE_LUA, local: reserveLocal };

/**
 * A success: gives back the reservation (KEYS 2…, never below zero; an expired counter stays
 * gone) and marks the client known for the email (KEYS 1) for ARGV 1 seconds (0: no mark).
 */
const SUCCEED: StoreScript = {
  lua: `for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
if tonumber(ARGV[1]) > 0 then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end
return 1`,
  local(ops, [known, ...reserved], [ttl]) {
    for (const key of reserved) if (Number(ops.get(key) ?? 0) > 0) ops.incrBy(key, -1);
    if (Number(ttl) > 0) {
      ops.set(known!, "1");
      ops.expire(known!, Number(ttl));
    }
    return 1;
  },
};

export function loginThrottle(store: KeyValueStore, limits: LoginThrottleLimits) {
  const tail = [limits.windowSeconds, MAX_LOCK_SECONDS, STRIKE_MEMORY_SECONDS];
  const args = [limits.emailClient, limits.client, limits.email, ...tail].map(String);
  /**
   * A client whose address cannot be told (TRUSTED_PROXY_COUNT=0, an unreadable header) is every
   * such client at once: its per-client counter would lock everyone and its "known" mark would
   * open every account to everyone. So for it only the per-account limit counts (LOGIN_EMAIL_MAX_ATTEMPTS
   * on both per-email counters) and no client is ever known.
   */
  const unknownArgs = [limits.email, Number.MAX_SAFE_INTEGER, limits.email, ...tail].map(String);

  async function reserve(keys: ReturnType<typeof throttleKeys>, client: string): Promise<string[]> {
    let reply: number[];
    try {
      const scriptArgs = client === UNKNOWN_CLIENT ? unknownArgs : args;
      reply = ((await store.run(RESERVE, [keys.known, keys.strikes, ...keys.counters, ...keys.locks], scriptArgs)) as unknown[]).map(Number);
    } catch (error) {
      throw new AppError("UNAVAILABLE", "Sign-in is unavailable for a moment. Please retry shortly.", {
        details: { reason: "throttle_unavailable", retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS },
        headers: { "Retry-After": String(UNAVAILABLE_RETRY_SECONDS) },
        cause: error,
      });
    }
    const [refused, ttlOrCount, first] = reply as [number, number, number | undefined];
    if (!refused) return keys.counters.slice(0, ttlOrCount);
    const scope = SCOPES[refused - 1]!;
    const retryAfterSeconds = Math.max(1, ttlOrCount);
    // Once per lock-out, not per refused attempt: a burst of guesses is one line.
    if (first) logger.warn("sign-in throttled", { scope, client, emailHash: keys.emailHash, retryAfterSeconds });
    throw new AppError("RATE_LIMITED", throttledMessage(retryAfterSeconds), {
      details: { reason: "too_many_attempts", retryAfterSeconds, scope },
      headers: { "Retry-After": String(retryAfterSeconds) },
    });
  }

  return {
    /**
     * Runs `check` (the password check) only with a reservation for this email and client.
     * `check` answers the signed-in value, or null for wrong credentials. Throws RATE_LIMITED
     * when a limit is reached and UNAVAILABLE when the store does not answer. `email` must be
     * normalised (trimmed, lower case) by the caller, as for the user lookup.
     */
    async attempt<T>(email: string, client: string, check: () => Promise<T | null>): Promise<T | null> {
      const unknown = client === UNKNOWN_CLIENT;
      // An unknown client is never known: its mark key is one nothing writes (older marks stay unread).
      const keys = { ...throttleKeys(email, client), ...(unknown ? { known: NEVER_KNOWN } : {}) };
      const reserved = await reserve(keys, client);
      const result = await check();
      if (result === null) return null;
      // The person has proven the password: a store that fails now costs them nothing.
      await store.run(SUCCEED, [keys.known, ...reserved], [String(unknown ? 0 : KNOWN_CLIENT_SECONDS)]).catch((error: unknown) =>
        logger.warn("sign-in: could not give back the throttle's reservation", { client, emailHash: keys.emailHash, error }),
      );
      return result;
    },
  };
}
