import { kv } from "~/server/clients/redis";
import { db } from "~/server/clients/db";
import { createProject } from "~/server/projects/projects";
import { usageKey } from "~/server/usage/keys";
import { monthOf } from "~/server/usage/periods";
import { makeUser } from "~/test/factories";

/** A new user, OWNER of a new org, with one project and an API token. */
export async function projectOwner(name = "Chatter") {
  const user = await makeUser(name);
  const actor = { userId: user.user.id, organizationId: user.organization.id, role: "OWNER" as const };
  const project = await createProject(actor, { name: `${name}'s project` });
  return { token: user.token, userId: user.user.id, orgId: user.organization.id, projectId: project.id };
}

/** The org's gemini_tokens counter of this month, under the guide's key (what redis-cli would SET). */
export const tokenCounterKey = (orgId: string) => usageKey(orgId, "gemini_tokens", monthOf(new Date()));
export const tokenCounter = async (orgId: string) => Number((await kv.get(tokenCounterKey(orgId))) ?? 0);
export const setTokenCounter = (orgId: string, value: number) => kv.set(tokenCounterKey(orgId), String(value));

/** An owner's org (with a project) plus an admin, an admin who opted out of usage alerts, and a member. */
export async function teamWithProject(name: string) {
  const owner = await projectOwner(name);
  const [admin, optedOut, member] = await Promise.all([makeUser(`${name} admin`), makeUser(`${name} quiet admin`), makeUser(`${name} member`)]);
  await db.membership.createMany({
    data: [
      { organizationId: owner.orgId, userId: admin.user.id, role: "ADMIN" },
      { organizationId: owner.orgId, userId: optedOut.user.id, role: "ADMIN" },
      { organizationId: owner.orgId, userId: member.user.id, role: "MEMBER" },
    ],
  });
  await db.user.update({ where: { id: optedOut.user.id }, data: { usageAlertEmails: false } });
  const ownerEmail = (await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).email;
  return { ...owner, ownerEmail, admin, optedOut, member };
}


export const routeParams = (projectId: string) => ({ params: Promise.resolve({ projectId }) });
export const storedMessages = (projectId: string) => db.chatMessage.count({ where: { projectId } });

/**
 * What a route handed to Next's `after`, kept to run when the test says (after reading the
 * response, as Next runs it once the response is done).
 */
export function afterResponse() {
  const tasks: (() => Promise<unknown>)[] = [];
  return {
    run: (task: () => Promise<unknown>) => void tasks.push(task),
    async settle() {
      while (tasks.length) await tasks.shift()!();
    },
  };
}

/** For tests of a route's answer only: what it defers (sending enqueued emails) is not run. */
export const skipAfterResponse = () => {};
