import { requestActor } from "~/server/auth/request-actor";
import { chatMessageInput } from "~/server/chat/messages";
import { sendMessage } from "~/server/chat/send-message";
import { streamMessage } from "~/server/chat/stream-message";
import { AppError } from "~/server/errors";
import { jsonRoute, readJson } from "~/server/rest/json-route";
import { idInput } from "~/server/validation";

type ProjectParams = { params: Promise<{ projectId: string }> };

/** The path's project id; one that cannot be an id names no project (404, as a foreign one does). */
async function projectIdOf({ params }: ProjectParams) {
  const parsed = idInput("Project id").safeParse((await params).projectId);
  if (!parsed.success) throw new AppError("NOT_FOUND", "No such project.");
  return parsed.data;
}

/** POST /api/chat/projects/{projectId}/message: one chat turn, answered whole (201). */
export const sendMessageRoute = jsonRoute(async (req, route: ProjectParams) => {
  const actor = await requestActor(req);
  const input = await readJson(req, chatMessageInput);
  const projectId = await projectIdOf(route);
  return Response.json(await sendMessage(actor, projectId, input), { status: 201 });
});

/** POST /api/chat/projects/{projectId}/message/stream: the same turn as server-sent events. */
export const streamMessageRoute = jsonRoute(async (req, route: ProjectParams) => {
  const actor = await requestActor(req);
  const input = await readJson(req, chatMessageInput);
  const projectId = await projectIdOf(route);
  const stream = await streamMessage(actor, projectId, input);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
