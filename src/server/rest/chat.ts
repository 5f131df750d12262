import { requestActor } from "~/server/auth/request-actor";
import { chatMessageInput } from "~/server/chat/messages";
import { sendMessage } from "~/server/chat/send-message";
import { streamMessage } from "~/server/chat/stream-message";
import { jsonRoute, readJson } from "~/server/rest/json-route";

type ProjectParams = { params: Promise<{ projectId: string }> };

/** POST /api/chat/projects/{projectId}/message: one chat turn, answered whole (201). */
export const sendMessageRoute = jsonRoute(async (req, { params }: ProjectParams) => {
  const actor = await requestActor(req);
  const input = await readJson(req, chatMessageInput);
  const { projectId } = await params;
  return Response.json(await sendMessage(actor, projectId, input), { status: 201 });
});

/** POST /api/chat/projects/{projectId}/message/stream: the same turn as server-sent events. */
export const streamMessageRoute = jsonRoute(async (req, { params }: ProjectParams) => {
  const actor = await requestActor(req);
  const input = await readJson(req, chatMessageInput);
  const { projectId } = await params;
  const stream = await streamMessage(actor, projectId, input);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
