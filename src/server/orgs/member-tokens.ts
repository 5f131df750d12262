/**
 * A member's API tokens for one org follow their membership: a token names its user and org, and
 * the actor cache (token-actor-cache.ts) would otherwise keep serving a removed member, or an old
 * role, for up to ACTOR_CACHE_SECONDS. A membership that ends revokes the tokens in its own
 * transaction (so re-joining later never brings an old token back); a role change only drops the
 * cached actors. Either way the cache is told after the commit, with the hashes read inside it.
 */
import type { Prisma } from "~/generated/prisma/client";
import { forgetActors } from "~/server/auth/token-actor-cache";

/** Revokes the member's unrevoked tokens for the org; returns their hashes for `forgetActors` after commit. */
export async function revokeMemberTokens(tx: Prisma.TransactionClient, organizationId: string, userId: string, now = new Date()) {
  const revoked = await tx.apiToken.updateManyAndReturn({
    where: { organizationId, userId, revokedAt: null },
    data: { revokedAt: now },
    select: { tokenHash: true },
  });
  return revoked.map((t) => t.tokenHash);
}

/** The hashes of the member's unrevoked tokens for the org (a role change forgets their cached actors). */
export async function memberTokenHashes(tx: Prisma.TransactionClient, organizationId: string, userId: string) {
  const tokens = await tx.apiToken.findMany({ where: { organizationId, userId, revokedAt: null }, select: { tokenHash: true } });
  return tokens.map((t) => t.tokenHash);
}

/** After the commit: no process serves these tokens' cached actors any more (see forgetActors). */
export const forgetMemberTokens = (tokenHashes: string[]) => (tokenHashes.length > 0 ? forgetActors(tokenHashes) : Promise.resolve());
