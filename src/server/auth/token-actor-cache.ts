/**
 * A bearer token's actor, kept in Redis for ACTOR_CACHE_SECONDS so that a REST call does not read
 * PostgreSQL (three queries: token, user, membership) on every request — the quota's 402 path in
 * particular answers from Redis alone. Only resolved tokens are kept, under the token's SHA-256
 * (never the token), and never past the token's own expiry. A revoke through the app, and a
 * membership that ends or changes role through the team services (orgs/member-tokens.ts), drop the
 * entry at once; a change made behind the app's back reaches a cached token within
 * ACTOR_CACHE_SECONDS. Redis unreachable → the database, as without the cache.
 */
import { kv, type StoreScript } from "~/server/clients/redis";
import { logger } from "~/server/logger";
import type { Actor } from "~/server/orgs/memberships";

export const ACTOR_CACHE_SECONDS = 30;
/**
 * In front of Redis, each process keeps what it read for a few seconds (bounded in size), so the
 * hot path (the quota's 402) makes no round trip for the token. A revoke clears this process's copy
 * at once; other processes' copies lapse within LOCAL_CACHE_MS.
 */
export const LOCAL_CACHE_MS = 5_000;
const LOCAL_CACHE_SIZE = 10_000;
const local = new Map<string, { actor: Actor; until: number }>();

const actorKey = (tokenHash: string) => `auth:token:${tokenHash}`;
/**
 * What a revoke leaves under the token's key for ACTOR_CACHE_SECONDS: a request that read the
 * token as valid just before the revoke cannot cache it afterwards (the cache only writes where
 * nothing is).
 */
const REVOKED = "revoked";

/** SET key value NX EX ttl: 1 when written, 0 when the key was there (a live entry or a revoke). */
const SET_IF_ABSENT: StoreScript = {
  lua: "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) and 1 or 0",
  local(ops, [key], [value, ttl]) {
    if (ops.get(key!) !== null) return 0;
    ops.set(key!, value!);
    ops.expire(key!, Number(ttl));
    return 1;
  },
};

function remember(tokenHash: string, actor: Actor, until: number) {
  if (local.size >= LOCAL_CACHE_SIZE) local.delete(local.keys().next().value!); // the oldest entry
  local.set(tokenHash, { actor, until });
}

export async function cachedActor(tokenHash: string, now = Date.now()): Promise<Actor | null> {
  const near = local.get(tokenHash);
  if (near && near.until > now) return near.actor;
  local.delete(tokenHash);
  const cached = await kv.get(actorKey(tokenHash)).catch(() => null);
  if (!cached || cached === REVOKED) return null;
  const actor = JSON.parse(cached) as Actor;
  remember(tokenHash, actor, now + LOCAL_CACHE_MS);
  return actor;
}

export async function cacheActor(tokenHash: string, actor: Actor, expiresAt: Date | null, now = new Date()) {
  const untilExpiry = expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / 1000) : Infinity;
  const ttl = Math.min(ACTOR_CACHE_SECONDS, untilExpiry);
  if (ttl < 1) return;
  const written = await kv.run(SET_IF_ABSENT, [actorKey(tokenHash)], [JSON.stringify(actor), String(ttl)]).catch(() => 0);
  if (Number(written) === 1) remember(tokenHash, actor, now.getTime() + Math.min(LOCAL_CACHE_MS, ttl * 1000));
}

/** Drops revoked tokens' entries; if Redis cannot be reached, each lapses within ACTOR_CACHE_SECONDS. */
export async function forgetActors(tokenHashes: string[]) {
  for (const hash of tokenHashes) local.delete(hash);
  await Promise.all(tokenHashes.map((hash) => kv.set(actorKey(hash), REVOKED, ACTOR_CACHE_SECONDS))).catch((error: unknown) =>
    logger.warn("auth: could not drop revoked tokens from the actor cache; they lapse on their own", { count: tokenHashes.length, error }),
  );
}
