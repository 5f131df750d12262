import { z } from "zod";
import { db } from "~/server/clients/db";
import { forgetMemberTokens, revokeMemberTokens } from "~/server/orgs/member-tokens";
import { requireRole, type Actor } from "~/server/orgs/memberships";
import { requireAnotherOwner, requireMember, requireStillRole } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";
import { idInput } from "~/server/validation";

export const removeMemberInput = z.object({ userId: idInput("User id") });

/**
 * OWNER only: removes a member (their seat frees); the last owner cannot be removed (409
 * `last_owner`). In the same transaction their API tokens for the org are revoked and the
 * invitations they sent that are still open are revoked (a removed admin's invitees do not get in
 * after them, and those seats free too).
 */
export async function removeMember(actor: Actor, input: z.infer<typeof removeMemberInput>, now = new Date()) {
  requireRole(actor, ["OWNER"]);
  const { organizationId } = actor;
  const { tokenHashes } = await db.$transaction(async (tx) => {
    await lockMembers(tx, organizationId);
    await requireStillRole(tx, actor, ["OWNER"]);
    const target = await requireMember(tx, organizationId, input.userId);
    await requireAnotherOwner(tx, organizationId, target.role);
    await tx.membership.delete({ where: { id: target.id } });
    await tx.invitation.updateMany({
      where: { organizationId, invitedById: input.userId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now, pendingEmail: null },
    });
    return { tokenHashes: await revokeMemberTokens(tx, organizationId, input.userId, now) };
  });
  await forgetMemberTokens(tokenHashes);
  return { userId: input.userId, removed: true as const };
}
