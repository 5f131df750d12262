import { db } from "~/server/clients/db";
import { forgetMemberTokens, revokeMemberTokens } from "~/server/orgs/member-tokens";
import type { Actor } from "~/server/orgs/memberships";
import { requireAnotherOwner, requireMember } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";

/** Any member leaves the org, and their API tokens for it stop working; the last owner cannot (409 `last_owner`). */
export async function leaveOrganization(actor: Actor, now = new Date()) {
  const { organizationId } = actor;
  const { tokenHashes } = await db.$transaction(async (tx) => {
    await lockMembers(tx, organizationId);
    const self = await requireMember(tx, organizationId, actor.userId);
    await requireAnotherOwner(tx, organizationId, self.role);
    await tx.membership.delete({ where: { id: self.id } });
    return { tokenHashes: await revokeMemberTokens(tx, organizationId, actor.userId, now) };
  });
  await forgetMemberTokens(tokenHashes);
  return { organizationId, left: true as const };
}
