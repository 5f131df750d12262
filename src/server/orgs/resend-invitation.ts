import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { enqueueInvitationEmail, INVITATION_TTL_MS, invitationState, newInvitationToken, requireOrgInvitation } from "~/server/orgs/invitations";
import { BILLING_ROLES, requireRole, type Actor } from "~/server/orgs/memberships";
import { enforceRateLimit } from "~/server/security/rate-limit";
import { lockMembers, requireFreeSeat } from "~/server/orgs/seats";

/**
 * Sends a pending (or expired) invitation again with a new token and a new 7 days: the old link
 * stops working (its hash is replaced). An expired invitation held no seat, so renewing it needs
 * a free one (402 otherwise); a used or revoked one is 409.
 */
export async function resendInvitation(actor: Actor, invitationId: string, now = new Date()) {
  requireRole(actor, BILLING_ROLES);
  await enforceRateLimit("invitationSend", actor.organizationId);
  const { limits } = await getEntitlements(actor.organizationId, now);
  const { token, tokenHash } = newInvitationToken();
  return db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    const current = await requireOrgInvitation(tx, actor, invitationId);
    const state = invitationState(current, now);
    if (state === "accepted" || state === "revoked") {
      throw new AppError("CONFLICT", `This invitation was ${state}; invite the address again instead.`, {
        details: { reason: `invitation_${state}` },
      });
    }
    if (state === "expired") await requireFreeSeat(tx, actor.organizationId, limits.team_members, now);
    const invitation = await tx.invitation.update({
      where: { id: current.id },
      data: { tokenHash, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS), sendCount: { increment: 1 } },
    });
    await enqueueInvitationEmail(tx, invitation, token);
    return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
  });
}
