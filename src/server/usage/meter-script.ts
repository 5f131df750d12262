/**
 * Check-and-record in one atomic step, on Redis (Lua) and in process (the same logic in TS).
 *
 * KEYS: 1 the month's counter, 2 its daily hash, 3 the cached limit, 4 (optional) the call's mark,
 * which makes it count once (a call that timed out and is replayed from PostgreSQL).
 * ARGV: 1 amount (an integer, negative to give back), 2 the day field, 3 the TTL in seconds,
 * 4 the seed for a missing counter ("" = unknown: the caller must read it from PostgreSQL),
 * 5 "1" to enforce the limit, "0" to record only, 6 the limit ("" = read KEYS[3]; "-1" = none),
 * 7 the mark's TTL in seconds. A limit (given or cached) ending in "b" is an owner's budget: the
 * reply then says so, so a 402 can name it without a database read.
 *
 * Replies: {"seed"} the counter is missing and no seed was given; {"limit", current} the limit is
 * not cached; {"refused", current, limit, type} the amount would pass the limit (nothing
 * recorded); {"dup", current} the marker was already set; {"ok", new, limit, type} recorded
 * (limit -1 = none, -2 = not known: a call that does not enforce found no limit given or cached;
 * type "plan" or "budget").
 * A TTL is raised to ARGV[3] when lower, never shortened.
 */
import type { LocalOps, StoreScript } from "~/server/clients/key-value-store";
import type { LimitType } from "~/server/usage/quota";

export type MeterReply =
  | { kind: "seed" }
  | { kind: "limit"; current: number }
  | { kind: "refused"; current: number; limit: number; limitType: LimitType }
  | { kind: "dup"; current: number }
  | { kind: "ok"; current: number; limit: number; limitType: LimitType };

const LUA = `
local cur = redis.call('GET', KEYS[1])
if not cur then
  if ARGV[4] == '' then return {'seed'} end
  redis.call('SET', KEYS[1], ARGV[4], 'NX', 'EX', ARGV[3])
  cur = redis.call('GET', KEYS[1])
end
cur = tonumber(cur)
local amount = tonumber(ARGV[1])
local limit = ARGV[6]
if limit == '' then limit = redis.call('GET', KEYS[3]) end
local ltype = 'plan'
if limit and string.sub(limit, -1) == 'b' then
  ltype = 'budget'
  limit = string.sub(limit, 1, -2)
end
if ARGV[5] == '1' then
  if not limit then return {'limit', cur} end
  limit = tonumber(limit)
  if limit >= 0 and amount > 0 and cur + amount > limit then return {'refused', cur, limit, ltype} end
end
if KEYS[4] and not redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[7]) then return {'dup', cur} end
local new = redis.call('INCRBY', KEYS[1], amount)
if amount ~= 0 then redis.call('HINCRBY', KEYS[2], ARGV[2], amount) end
local ttl = tonumber(ARGV[3])
for i = 1, 2 do
  if redis.call('TTL', KEYS[i]) < ttl then redis.call('EXPIRE', KEYS[i], ttl) end
end
return {'ok', new, tonumber(limit) or -2, ltype}`;

function local(ops: LocalOps, keys: string[], args: string[]): unknown[] {
  const [counter, daily, limitCache, marker] = keys as [string, string, string, string | undefined];
  const [amountArg, day, ttlArg, seed, enforce, limitArg, markTtl] = args as [string, string, string, string, string, string, string];
  let cur = ops.get(counter);
  if (cur === null) {
    if (seed === "") return ["seed"];
    ops.set(counter, seed);
    ops.expire(counter, Number(ttlArg));
    cur = seed;
  }
  const current = Number(cur);
  const amount = Number(amountArg);
  const given = limitArg === "" ? ops.get(limitCache) : limitArg;
  const type = given?.endsWith("b") ? "budget" : "plan";
  const limitText = given !== null && type === "budget" ? given.slice(0, -1) : given;
  if (enforce === "1") {
    if (limitText === null) return ["limit", current];
    const limit = Number(limitText);
    if (limit >= 0 && amount > 0 && current + amount > limit) return ["refused", current, limit, type];
  }
  if (marker) {
    if (ops.get(marker) !== null) return ["dup", current];
    ops.set(marker, "1");
    ops.expire(marker, Number(markTtl));
  }
  const next = ops.incrBy(counter, amount);
  if (amount !== 0) ops.hincrBy(daily, day, amount);
  for (const key of [counter, daily]) if (ops.ttl(key) < Number(ttlArg)) ops.expire(key, Number(ttlArg));
  return ["ok", next, limitText === null ? -2 : Number(limitText), type];
}

export const METER_SCRIPT: StoreScript = { lua: LUA, local };

/** The reply as the app reads it (Redis answers integers as numbers, Upstash likewise). */
export function meterReply(raw: unknown): MeterReply {
  const [kind, a, b, c] = raw as [string, number | string | undefined, number | string | undefined, string | undefined];
  const n = (value: number | string | undefined) => Number(value ?? 0);
  switch (kind) {
    case "seed":
      return { kind };
    case "limit":
    case "dup":
      return { kind, current: n(a) };
    case "refused":
    case "ok":
      return { kind, current: n(a), limit: n(b), limitType: c === "budget" ? "budget" : "plan" };
    default:
      throw new Error(`unexpected reply from the meter script: ${JSON.stringify(raw)}`);
  }
}
