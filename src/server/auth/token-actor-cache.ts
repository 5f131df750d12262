/**
 * A bearer token's actor, kept in Redis for ACTOR_CACHE_SECONDS so that a REST call does not read
 * PostgreSQL (three queries: token, user, membership) on every request — the quota's 402 path in
 * particular answers from Redis alone. Only resolved tokens are kept, under the token's SHA-256
 * (never the token), and never past the token's own expiry. A revoke through the app drops the
 * entry at once; a membership that ends, or a role that changes, reaches a cached token within
 * ACTOR_CACHE_SECONDS. Redis unreachable → the database, as without the cache.
 */
import { kv } from "~/server/clients/redis";
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

function remember(tokenHash: string, actor: Actor, until: number) {
  if (local.size >= LOCAL_CACHE_SIZE) local.delete(local.keys().next().value!); // the oldest entry
  local.set(tokenHash, { actor, until });
}

export async function cachedActor(tokenHash: string, now = Date.now()): Promise<Actor | null> {
  const near = local.get(tokenHash);
  if (near && near.until > now) return near.actor;
  local.delete(tokenHash);
  const cached = await kv.get(actorKey(tokenHash)).catch(() => null);
  if (!cached) return null;
  const actor = JSON.parse(cached) as Actor;
  remember(tokenHash, actor, now + LOCAL_CACHE_MS);
  return actor;
}

export async function cacheActor(tokenHash: string, actor: Actor, expiresAt: Date | null, now = new Date()) {
  const untilExpiry = expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / 1000) : Infinity;
  const ttl = Math.min(ACTOR_CACHE_SECONDS, untilExpiry);
  if (ttl < 1) return;
  remember(tokenHash, actor, now.getTime() + Math.min(LOCAL_CACHE_MS, ttl * 1000));
  await kv.set(actorKey(tokenHash), JSON.stringify(actor), ttl).catch(() => undefined);
}

/** Drops revoked tokens' entries; if Redis cannot be reached, each lapses within ACTOR_CACHE_SECONDS. */
export async function forgetActors(tokenHashes: string[]) {
  for (const hash of tokenHashes) local.delete(hash);
  await Promise.all(tokenHashes.map((hash) => kv.del(actorKey(hash)))).catch((error: unknown) =>
    logger.warn("auth: could not drop revoked tokens from the actor cache; they lapse on their own", { count: tokenHashes.length, error }),
  );
}
