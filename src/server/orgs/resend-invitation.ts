import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import {
  countInvitationEmail,
  enqueueInvitationEmail,
  INVITATION_TTL_MS,
  invitationState,
  newInvitationToken,
  requireOrgInvitation,
} from "~/server/orgs/invitations";
import { BILLING_ROLES, requireRole, type Actor } from "~/server/orgs/memberships";
import { requireStillRole } from "~/server/orgs/owners";
import { lockMembers, requireFreeSeat } from "~/server/orgs/seats";

/**
 * Sends a pending (or expired) invitation again with a new token and a new 7 days: the old link
 * stops working (its hash is replaced). An expired invitation held no seat, so renewing it needs
 * a free one (402 otherwise); a pending one is renewed only while the seats in use are within the
 * limit (402 after a downgrade below them); a used or revoked one is 409. The caller's role is
 * read again under the lock, and only a resend that is sent counts against the hourly budget.
 */
export async function resendInvitation(actor: Actor, invitationId: string, now = new Date()) {
  requireRole(actor, BILLING_ROLES);
  const { limits } = await getEntitlements(actor.organizationId, now);
  const { token, tokenHash } = newInvitationToken();
  return db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    await requireStillRole(tx, actor, BILLING_ROLES);
    const current = await requireOrgInvitation(tx, actor, invitationId);
    const state = invitationState(current, now);
    if (state === "accepted" || state === "revoked") {
      throw new AppError("CONFLICT", `This invitation was ${state}; invite the address again instead.`, {
        details: { reason: `invitation_${state}` },
      });
    }
    // A pending invitation holds its seat already: renewing it adds none, but an org over its
    // limit (a downgrade) does not renew the invitations beyond it either.
    await requireFreeSeat(tx, actor.organizationId, limits.team_members, now, state === "expired" ? 1 : 0);
    await countInvitationEmail(actor.organizationId);
    const invitation = await tx.invitation.update({
      where: { id: current.id },
      data: { tokenHash, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS), sendCount: { increment: 1 } },
    });
    await enqueueInvitationEmail(tx, invitation, token);
    return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
  });
}
