import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";
import { requireAnotherOwner, requireMember } from "~/server/orgs/owners";
import { lockMembers } from "~/server/orgs/seats";

/** Any member leaves the org; the last owner cannot (409 `last_owner`). */
export async function leaveOrganization(actor: Actor) {
  return db.$transaction(async (tx) => {
    await lockMembers(tx, actor.organizationId);
    const self = await requireMember(tx, actor.organizationId, actor.userId);
    await requireAnotherOwner(tx, actor.organizationId, self.role);
    await tx.membership.delete({ where: { id: self.id } });
    return { organizationId: actor.organizationId, left: true as const };
  });
}
