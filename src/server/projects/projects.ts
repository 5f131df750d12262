import { z } from "zod";
import { getEntitlements } from "~/server/billing/entitlements";
import { requireBelow } from "~/server/usage/quota";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";
import { boundedText } from "~/server/validation";

export const projectInput = z.object({ name: boundedText(100, "Name") });

const projectSelect = { id: true, name: true, organizationId: true, createdAt: true, updatedAt: true } as const;

/**
 * Creates a project within the plan's project limit (402 past it). The count and the insert run
 * under a per-org lock, so two concurrent creates cannot both take the last slot. The limit is
 * read before the transaction: read through the pool inside it, it needed a second connection
 * while holding one, and as many concurrent creates as the pool has connections held them all,
 * each waiting for another.
 */
export async function createProject(actor: Actor, input: z.infer<typeof projectInput>) {
  const { limits } = await getEntitlements(actor.organizationId);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`projects:${actor.organizationId}`}, 0))`;
    const current = await tx.project.count({ where: { organizationId: actor.organizationId } });
    requireBelow(limits.projects, "projects", current);
    return tx.project.create({
      data: { name: input.name, organizationId: actor.organizationId, createdById: actor.userId },
      select: projectSelect,
    });
  });
}

export function listProjects(actor: Actor) {
  return db.project.findMany({
    where: { organizationId: actor.organizationId },
    orderBy: { createdAt: "desc" },
    select: projectSelect,
  });
}

/** A project of the actor's org; a project of another org is NOT_FOUND, never revealed. */
export async function getProject(actor: Actor, projectId: string) {
  const project = await db.project.findFirst({
    where: { id: projectId, organizationId: actor.organizationId },
    select: projectSelect,
  });
  if (!project) throw new AppError("NOT_FOUND", "No such project.");
  return project;
}

/** The organization that owns a project, for resolving the caller's membership. */
export async function projectOrganizationId(projectId: string) {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw new AppError("NOT_FOUND", "No such project.");
  return project.organizationId;
}
