import { z } from "zod";
import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { countInvitationEmail, enqueueInvitationEmail, INVITATION_TTL_MS, invitableRole, newInvitationToken } from "~/server/orgs/invitations";
import { BILLING_ROLES, requireRole, type Actor } from "~/server/orgs/memberships";
import { requireStillRole } from "~/server/orgs/owners";
import { lockMembers, requireFreeSeat } from "~/server/orgs/seats";
import { emailInput } from "~/server/validation";

export const inviteMemberInput = z.object({ email: emailInput, role: invitableRole });

/**
 * Invites `email` as ADMIN or MEMBER (OWNER/ADMIN callers only): 409 `already_member` or
 * `already_invited` (resend that one instead), 402 past the plan's seats. The seat count, the
 * insert and the email's outbox row share one transaction under the org's members lock, so N
 * concurrent invitations for the last seat let exactly one through and a rollback mails nobody.
 * The caller's role is read again under the lock (a demoted or removed admin's call is 403), and
 * only an invitation that passes every check counts against the hourly email budget.
 * An expired pending invitation to the same address is revoked and replaced.
 */
export async function inviteMember(actor: Actor, input: z.infer<typeof inviteMemberInput>, now = new Date()) {
  requireRole(actor, BILLING_ROLES);
  const { limits } = await getEntitlements(actor.organizationId, now);
  const { token, tokenHash } = newInvitationToken();
  const { organizationId } = actor;
  return db.$transaction(async (tx) => {
    await lockMembers(tx, organizationId);
    await requireStillRole(tx, actor, BILLING_ROLES);
    const member = await tx.membership.findFirst({ where: { organizationId, user: { email: input.email } }, select: { id: true } });
    if (member) {
      throw new AppError("CONFLICT", `${input.email} is already a member of this organization.`, { details: { reason: "already_member" } });
    }
    const open = await tx.invitation.findUnique({
      where: { organizationId_pendingEmail: { organizationId, pendingEmail: input.email } },
      select: { id: true, expiresAt: true },
    });
    if (open && open.expiresAt > now) {
      throw new AppError("CONFLICT", `${input.email} has a pending invitation already; resend it instead.`, {
        details: { reason: "already_invited", invitationId: open.id },
      });
    }
    if (open) await tx.invitation.update({ where: { id: open.id }, data: { revokedAt: now, pendingEmail: null } });
    await requireFreeSeat(tx, organizationId, limits.team_members, now);
    await countInvitationEmail(organizationId);
    const invitation = await tx.invitation.create({
      data: {
        organizationId,
        email: input.email,
        pendingEmail: input.email,
        role: input.role,
        tokenHash,
        invitedById: actor.userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
    });
    await enqueueInvitationEmail(tx, invitation, token);
    return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
  });
}
