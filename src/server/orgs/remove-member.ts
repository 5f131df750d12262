import { z } from "zod";
import { db } from "~/server/clients/db";
import { requireRole, type Actor } from "~/server/orgs/memberships";
import { requireAnotherOwner, requireMember, requireStillOwner } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";
import { idInput } from "~/server/validation";

export const removeMemberInput = z.object({ userId: idInput("User id") });

/** OWNER only: removes a member (their seat frees); the last owner cannot be removed (409 `last_owner`). */
export async function removeMember(actor: Actor, input: z.infer<typeof removeMemberInput>) {
  requireRole(actor, ["OWNER"]);
  return db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    await requireStillOwner(tx, actor);
    const target = await requireMember(tx, actor.organizationId, input.userId);
    await requireAnotherOwner(tx, actor.organizationId, target.role);
    await tx.membership.delete({ where: { id: target.id } });
    return { userId: input.userId, removed: true as const };
  });
}
