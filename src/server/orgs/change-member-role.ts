import { z } from "zod";
import { Role } from "~/generated/prisma/enums";
import { db } from "~/server/clients/db";
import { forgetMemberTokens, memberTokenHashes } from "~/server/orgs/member-tokens";
import { requireRole, type Actor } from "~/server/orgs/memberships";
import { requireAnotherOwner, requireMember, requireStillRole } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";
import { idInput } from "~/server/validation";

export const changeMemberRoleInput = z.object({ userId: idInput("User id"), role: z.enum(Role) });

/**
 * OWNER only: sets a member's role (to or from OWNER too); the last owner cannot be demoted (409
 * `last_owner`). The member's tokens keep working, but their cached actors (with the old role)
 * are forgotten after the commit, so the next request reads the new role.
 */
export async function changeMemberRole(actor: Actor, input: z.infer<typeof changeMemberRoleInput>) {
  requireRole(actor, ["OWNER"]);
  const { membership, tokenHashes } = await db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    await requireStillRole(tx, actor, ["OWNER"]);
    const target = await requireMember(tx, actor.organizationId, input.userId);
    if (input.role !== "OWNER") await requireAnotherOwner(tx, actor.organizationId, target.role);
    const membership = await tx.membership.update({ where: { id: target.id }, data: { role: input.role }, select: { role: true, userId: true } });
    return { membership, tokenHashes: await memberTokenHashes(tx, actor.organizationId, input.userId) };
  });
  await forgetMemberTokens(tokenHashes);
  return membership;
}
