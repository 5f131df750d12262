import { z } from "zod";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";
import { generateToken, hashToken } from "~/server/auth/token-format";
import { requireSessionEpoch } from "~/server/auth/session-epoch";
import { cacheActor, cachedActor, forgetActors } from "~/server/auth/token-actor-cache";
import { createWithinCap } from "~/server/security/creation-caps";
import { enforceRateLimit } from "~/server/security/rate-limit";

export { parseBearer } from "~/server/auth/token-format";

/** Days until a new token stops working, 1–365 (settings offers a few of them); null: it works until revoked. */
export const tokenExpiryInput = z
  .number({ error: "Expiry must be a number of days." })
  .int({ error: "Expiry must be a whole number of days." })
  .min(1, { error: "Expiry must be at least 1 day." })
  .max(365, { error: "Expiry must be at most 365 days." })
  .nullable();

const DAY_MS = 86_400_000;

/**
 * Creates a token, returned in plain text this once (only its hash is kept). Every way of making
 * one (settings, POST /api/auth/token) comes here, so the hourly rate and the cap on live tokens
 * hold for all of them together. `sessionEpoch`: the epoch a password check read (POST
 * /api/auth/token); the token is inserted only if no password reset or change has moved it since
 * (session-epoch.ts; the cap's lock on the user's row is already held), else UNAUTHORIZED.
 */
export async function createApiToken(
  actor: { userId: string; organizationId: string },
  name: string,
  expiresInDays: number | null = null,
  { now = new Date(), sessionEpoch }: { now?: Date; sessionEpoch?: number } = {},
) {
  await enforceRateLimit("tokenCreate", actor.userId);
  const { token, prefix, tokenHash } = generateToken();
  const expiresAt = expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * DAY_MS);
  const { userId, organizationId } = actor;
  const row = await createWithinCap(
    "liveApiTokens",
    userId,
    (tx) => tx.apiToken.count({ where: { userId, organizationId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } }),
    async (tx) => {
      if (sessionEpoch !== undefined) await requireSessionEpoch(tx, userId, sessionEpoch);
      return tx.apiToken.create({
        data: { userId, organizationId, name, prefix, tokenHash, expiresAt },
        select: { id: true, name: true, prefix: true, createdAt: true, expiresAt: true },
      });
    },
  );
  return { ...row, token };
}

export function listApiTokens(actor: Actor) {
  return db.apiToken.findMany({
    where: { userId: actor.userId, organizationId: actor.organizationId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true },
  });
}

export async function revokeApiToken(actor: Actor, tokenId: string) {
  // OWNER/ADMIN may revoke any token of the org; others only their own.
  const canRevokeAny = actor.role === "OWNER" || actor.role === "ADMIN";
  const revoked = await db.apiToken.updateManyAndReturn({
    where: {
      id: tokenId,
      organizationId: actor.organizationId,
      ...(canRevokeAny ? {} : { userId: actor.userId }),
      revokedAt: null,
    },
    data: { revokedAt: new Date() },
    select: { tokenHash: true },
  });
  await forgetActors(revoked.map((r) => r.tokenHash));
  if (revoked.length === 0) {
    const exists = await db.apiToken.findFirst({
      where: { id: tokenId, organizationId: actor.organizationId, ...(canRevokeAny ? {} : { userId: actor.userId }) },
      select: { id: true },
    });
    if (!exists) throw new AppError("NOT_FOUND", "No such token.");
  }
}

/** Resolves a bearer token to the acting user and org, or throws UNAUTHORIZED. */
export async function authenticateToken(token: string): Promise<Actor> {
  return (await resolveToken(hashToken(token))).actor;
}

/** As authenticateToken, served from the actor cache when it can be (token-actor-cache.ts); what REST requests use. */
export async function authenticateTokenCached(token: string): Promise<Actor> {
  const tokenHash = hashToken(token);
  const cached = await cachedActor(tokenHash);
  if (cached) return cached;
  const { actor, expiresAt } = await resolveToken(tokenHash);
  await cacheActor(tokenHash, actor, expiresAt);
  return actor;
}

async function resolveToken(tokenHash: string): Promise<{ actor: Actor; expiresAt: Date | null }> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      userId: true,
      organizationId: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      user: { select: { memberships: { select: { organizationId: true, role: true } } } },
    },
  });
  const now = new Date();
  const membership = row?.user.memberships.find((m) => m.organizationId === row.organizationId);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || !membership) {
    throw new AppError("UNAUTHORIZED", "The bearer token is invalid, expired or revoked.");
  }
  // Coarse lastUsedAt (once a minute) keeps the hot path free of a write per request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { actor: { userId: row.userId, organizationId: row.organizationId, role: membership.role }, expiresAt: row.expiresAt };
}
