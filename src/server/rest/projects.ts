import { requestActor } from "~/server/auth/request-actor";
import { createProject, listProjects, projectInput } from "~/server/projects/projects";
import { jsonRoute, readJson } from "~/server/rest/json-route";

export const listProjectsRoute = jsonRoute(async (req) => {
  const actor = await requestActor(req);
  return Response.json({ projects: await listProjects(actor) });
});

export const createProjectRoute = jsonRoute(async (req) => {
  const actor = await requestActor(req);
  const input = await readJson(req, projectInput);
  return Response.json(await createProject(actor, input), { status: 201 });
});
