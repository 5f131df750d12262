import type { Prisma } from "~/generated/prisma/client";
import type { Role } from "~/generated/prisma/enums";
import { AppError } from "~/server/errors";
import { requireRole, type Actor } from "~/server/orgs/memberships";

/**
 * Refuses (409, reason `last_owner`) a change that would take the OWNER role from the member
 * who holds it when nobody else does. Call under `lockMembers`, so two owners demoting or
 * removing each other at once are counted one after the other and one of them is refused.
 */
export async function requireAnotherOwner(tx: Prisma.TransactionClient, organizationId: string, currentRole: Role) {
  if (currentRole !== "OWNER") return;
  const owners = await tx.membership.count({ where: { organizationId, role: "OWNER" } });
  if (owners <= 1) {
    throw new AppError("CONFLICT", "An organization needs an owner: make another member an owner first.", {
      details: { reason: "last_owner" },
    });
  }
}

/** The member `userId` of the org, or NOT_FOUND (a user of another org is never revealed). */
export async function requireMember(tx: Prisma.TransactionClient, organizationId: string, userId: string) {
  const membership = await tx.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
    select: { id: true, role: true },
  });
  if (!membership) throw new AppError("NOT_FOUND", "No such member.");
  return membership;
}

/**
 * The actor still holds one of `roles`, read under `lockMembers`: the request resolved their role
 * before the transaction, and their own demotion or removal may have committed since (a removed
 * admin's in-flight invite, two owners demoting each other) — such a call is refused with 403.
 * Returns the actor with the role read now.
 */
export async function requireStillRole(tx: Prisma.TransactionClient, actor: Actor, roles: readonly Role[]): Promise<Actor> {
  const self = await tx.membership.findUnique({
    where: { userId_organizationId: { userId: actor.userId, organizationId: actor.organizationId } },
    select: { role: true },
  });
  if (!self) throw new AppError("FORBIDDEN", "You are not a member of this organization.");
  const current = { ...actor, role: self.role };
  requireRole(current, roles);
  return current;
}
