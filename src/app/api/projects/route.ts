import { createProjectRoute, listProjectsRoute } from "~/server/rest/projects";

export const GET = listProjectsRoute;
export const POST = createProjectRoute;
