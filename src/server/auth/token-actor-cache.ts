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

const actorKey = (tokenHash: string) => `auth:token:${tokenHash}`;

export async function cachedActor(tokenHash: string): Promise<Actor | null> {
  const cached = await kv.get(actorKey(tokenHash)).catch(() => null);
  return cached ? (JSON.parse(cached) as Actor) : null;
}

export async function cacheActor(tokenHash: string, actor: Actor, expiresAt: Date | null, now = new Date()) {
  const untilExpiry = expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / 1000) : Infinity;
  const ttl = Math.min(ACTOR_CACHE_SECONDS, untilExpiry);
  if (ttl < 1) return;
  await kv.set(actorKey(tokenHash), JSON.stringify(actor), ttl).catch(() => undefined);
}

/** Drops revoked tokens' entries; if Redis cannot be reached, each lapses within ACTOR_CACHE_SECONDS. */
export async function forgetActors(tokenHashes: string[]) {
  await Promise.all(tokenHashes.map((hash) => kv.del(actorKey(hash)))).catch((error: unknown) =>
    logger.warn("auth: could not drop revoked tokens from the actor cache; they lapse on their own", { count: tokenHashes.length, error }),
  );
}
