import { z } from "zod";
import { Role } from "~/generated/prisma/enums";
import { db } from "~/server/clients/db";
import { requireRole, type Actor } from "~/server/orgs/memberships";
import { requireAnotherOwner, requireMember, requireStillOwner } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";
import { idInput } from "~/server/validation";

export const changeMemberRoleInput = z.object({ userId: idInput("User id"), role: z.enum(Role) });

/** OWNER only: sets a member's role (to or from OWNER too); the last owner cannot be demoted (409 `last_owner`). */
export async function changeMemberRole(actor: Actor, input: z.infer<typeof changeMemberRoleInput>) {
  requireRole(actor, ["OWNER"]);
  return db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    await requireStillOwner(tx, actor);
    const target = await requireMember(tx, actor.organizationId, input.userId);
    if (input.role !== "OWNER") await requireAnotherOwner(tx, actor.organizationId, target.role);
    return tx.membership.update({ where: { id: target.id }, data: { role: input.role }, select: { role: true, userId: true } });
  });
}
