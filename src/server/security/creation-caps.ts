/**
 * Absolute caps on what one user may hold, beside the hourly rates of rate-limit.ts: the rates
 * slow a flood down, the caps bound what a patient one can pile up.
 */
import { type Prisma } from "~/generated/prisma/client";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

/** The one table of caps. */
export const creationCaps = {
  /** Tokens of one user in one organization that are neither revoked nor expired. */
  liveApiTokens: { limit: 50, what: "active API tokens in this organization", reason: "api_token_cap_reached", advice: "Revoke one you no longer use first." },
  /** Organizations one user owns. */
  ownedOrganizations: { limit: 20, what: "organizations you own", reason: "organization_cap_reached", advice: "Contact support if you need more." },
} as const;

export type CreationCap = keyof typeof creationCaps;

/**
 * Creates something under a cap: in one transaction that first locks the user's row, so two
 * concurrent creations by the same user count one after the other and cannot both take the last
 * place. At the cap → CONFLICT (409) with `reason` and `limit`: waiting does not help, removing does.
 */
export async function createWithinCap<T>(
  cap: CreationCap,
  userId: string,
  count: (tx: Prisma.TransactionClient) => Promise<number>,
  create: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const { limit, what, reason, advice } = creationCaps[cap];
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${userId} FOR UPDATE`;
    if ((await count(tx)) >= limit) {
      throw new AppError("CONFLICT", `You already have ${limit} ${what}, the most allowed. ${advice}`, {
        title: "Limit reached",
        details: { reason, limit },
      });
    }
    return create(tx);
  });
}
