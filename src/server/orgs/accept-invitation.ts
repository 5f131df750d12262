import type { Prisma } from "~/generated/prisma/client";
import { hashToken } from "~/server/auth/token-format";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { invitationState, invitationUnusable } from "~/server/orgs/invitations";
import { lockMembers } from "~/server/orgs/seats";

/**
 * Joins `user` to the invitation's org with its role, inside the caller's transaction (the
 * registration's, or `acceptInvitation`'s). Single use: the claim is a conditional update of a
 * pending row under the org's members lock, so two accepts at once make one membership and the
 * other gets 404 `invitation_accepted`. The invitation already holds its seat: no seat check
 * (an org downgraded since keeps the invitations it had issued, as it keeps its members).
 * Only the invited address may accept (403 `invitation_email_mismatch`).
 */
export async function joinWithInvitation(tx: Prisma.TransactionClient, token: string, user: { id: string; email: string }, now = new Date()) {
  const tokenHash = hashToken(token);
  const found = await tx.invitation.findUnique({ where: { tokenHash }, select: { organizationId: true } });
  if (!found) throw invitationUnusable("unknown");
  await lockMembers(tx, found.organizationId);
  // Read again under the lock: a resend (new token), revoke or accept may have committed meanwhile.
  const invitation = await tx.invitation.findUnique({ where: { tokenHash } });
  if (!invitation) throw invitationUnusable("unknown");
  const state = invitationState(invitation, now);
  if (state !== "pending") throw invitationUnusable(state);
  if (invitation.email !== user.email) {
    throw new AppError("FORBIDDEN", `This invitation was sent to another email address than ${user.email}.`, {
      details: { reason: "invitation_email_mismatch" },
    });
  }
  const claimed = await tx.invitation.updateMany({
    where: { id: invitation.id, tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now, acceptedById: user.id, pendingEmail: null },
  });
  if (claimed.count !== 1) throw invitationUnusable("accepted");
  const { organizationId } = invitation;
  const existing = await tx.membership.findUnique({ where: { userId_organizationId: { userId: user.id, organizationId } }, select: { role: true } });
  // Already a member (joined another way since): the invitation is spent, the role stays.
  const membership =
    existing ?? (await tx.membership.create({ data: { userId: user.id, organizationId, role: invitation.role }, select: { role: true } }));
  const organization = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { id: true, name: true } });
  return { organization, role: membership.role };
}

/** A signed-in user accepts the invitation of the link's token. */
export async function acceptInvitation(userId: string, token: string, now = new Date()) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true } });
    return joinWithInvitation(tx, token, user, now);
  });
}
