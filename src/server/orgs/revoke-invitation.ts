import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { requireOrgInvitation } from "~/server/orgs/invitations";
import { BILLING_ROLES, requireRole, type Actor } from "~/server/orgs/memberships";
import { requireStillRole } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";

/** Revokes a pending invitation (its link stops working, its seat frees); revoking twice is a no-op; a used one is 409. */
export async function revokeInvitation(actor: Actor, invitationId: string, now = new Date()) {
  requireRole(actor, BILLING_ROLES);
  return db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    await requireStillRole(tx, actor, BILLING_ROLES);
    const invitation = await requireOrgInvitation(tx, actor, invitationId);
    if (invitation.acceptedAt) {
      throw new AppError("CONFLICT", "This invitation has been accepted already.", { details: { reason: "invitation_accepted" } });
    }
    if (!invitation.revokedAt) {
      await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: now, pendingEmail: null } });
    }
    return { id: invitation.id, revoked: true as const };
  });
}
