import { createTRPCRouter, orgProcedure, projectProcedure } from "~/server/api/trpc";
import { createProject, getProject, listProjects, projectInput } from "~/server/projects/projects";

export const projectRouter = createTRPCRouter({
  list: orgProcedure.query(({ ctx }) => listProjects(ctx.actor)),
  create: orgProcedure.input(projectInput).mutation(({ ctx, input }) => createProject(ctx.actor, input)),
  get: projectProcedure.query(({ ctx, input }) => getProject(ctx.actor, input.projectId)),
});
