import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import type { Role } from "~/generated/prisma/enums";
import { createWithinCap } from "~/server/security/creation-caps";
import { enforceRateLimit } from "~/server/security/rate-limit";

/** Who is acting, in which organization, with which role: resolved once per request. */
export interface Actor {
  userId: string;
  organizationId: string;
  role: Role;
}

export const BILLING_ROLES: readonly Role[] = ["OWNER", "ADMIN"];

/** The caller's membership in `organizationId`; FORBIDDEN when there is none. */
export async function requireMembership(userId: string, organizationId: string): Promise<Actor> {
  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
    select: { role: true },
  });
  if (!membership) throw new AppError("FORBIDDEN", "You are not a member of this organization.");
  return { userId, organizationId, role: membership.role };
}

export function requireRole(actor: Actor, roles: readonly Role[]) {
  if (!roles.includes(actor.role)) {
    throw new AppError("FORBIDDEN", `This action needs one of the roles ${roles.join(", ")}.`);
  }
}

export function listMemberships(userId: string) {
  return db.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, organization: { select: { id: true, name: true } } },
  });
}

/** A new organization owned by `userId`, within the hourly rate and the cap on owned organizations. */
export async function createOrganization(userId: string, name: string) {
  await enforceRateLimit("orgCreate", userId);
  return createWithinCap(
    "ownedOrganizations",
    userId,
    (tx) => tx.membership.count({ where: { userId, role: "OWNER" } }),
    (tx) =>
      tx.organization.create({
        data: { name, memberships: { create: { userId, role: "OWNER" } } },
        select: { id: true, name: true },
      }),
  );
}

export function getOrganization(actor: Actor) {
  return db.organization.findUniqueOrThrow({
    where: { id: actor.organizationId },
    select: { id: true, name: true, createdAt: true, _count: { select: { memberships: true, projects: true } } },
  });
}

export function listMembers(actor: Actor) {
  return db.membership.findMany({
    where: { organizationId: actor.organizationId },
    orderBy: { createdAt: "asc" },
    select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
}
