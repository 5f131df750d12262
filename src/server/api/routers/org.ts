import { z } from "zod";
import { createTRPCRouter, orgProcedure, protectedProcedure } from "~/server/api/trpc";
import { createOrganization, getOrganization, listMembers, listMemberships } from "~/server/orgs/memberships";
import { boundedText } from "~/server/validation";

export const orgRouter = createTRPCRouter({
  list: protectedProcedure.query(async ({ ctx }) =>
    (await listMemberships(ctx.userId)).map((m) => ({ ...m.organization, role: m.role })),
  ),
  create: protectedProcedure
    .input(z.object({ name: boundedText(100, "Name") }))
    .mutation(({ ctx, input }) => createOrganization(ctx.userId, input.name)),
  get: orgProcedure.query(async ({ ctx }) => ({ ...(await getOrganization(ctx.actor)), role: ctx.actor.role })),
  members: orgProcedure.query(({ ctx }) => listMembers(ctx.actor)),
});
