/**
 * Seats of an organization: its members plus its pending invitations that have not expired (a
 * pending invitation holds its seat from the invite until it expires, so accepting one never
 * needs a seat of its own). Counted against the plan's `team_members` with the 402 contract.
 *
 * Every change to an org's members or invitations runs under `lockMembers` (one per-org
 * transaction lock): the seat count and the insert it guards, and the owner count and the role
 * change or removal it guards, are then never interleaved with another such change.
 */
import type { Prisma } from "~/generated/prisma/client";
import { requireBelow } from "~/server/usage/quota";

type SeatReader = Pick<Prisma.TransactionClient, "membership" | "invitation">;

export async function lockMembers(tx: Prisma.TransactionClient, organizationId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`members:${organizationId}`}, 0))`;
}

/** The invitations of an org that hold a seat at `now`. */
export const seatHoldingInvitations = (organizationId: string, now: Date) =>
  ({ organizationId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }) satisfies Prisma.InvitationWhereInput;

export async function seatsInUse(client: SeatReader, organizationId: string, now = new Date()) {
  const [members, invitations] = await Promise.all([
    client.membership.count({ where: { organizationId } }),
    client.invitation.count({ where: seatHoldingInvitations(organizationId, now) }),
  ]);
  return members + invitations;
}

/**
 * 402 when `adding` more seats would pass `limit` (the plan's `team_members`, null = unlimited;
 * read before the transaction, as quota.ts explains). Call under `lockMembers`. An org over its
 * limit after a downgrade keeps its members and invitations; it only cannot add more, nor renew
 * an invitation (`adding` 0: refused while the seats in use exceed the limit).
 */
export async function requireFreeSeat(tx: Prisma.TransactionClient, organizationId: string, limit: number | null, now = new Date(), adding = 1) {
  requireBelow(limit, "team_members", await seatsInUse(tx, organizationId, now), adding);
}
