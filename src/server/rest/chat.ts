import { requestActor } from "~/server/auth/request-actor";
import { chatMessageInput } from "~/server/chat/messages";
import { sendMessage } from "~/server/chat/send-message";
import { streamMessage } from "~/server/chat/stream-message";
import { AppError } from "~/server/errors";
import type { RunAfterResponse } from "~/server/http/run-after-response";
import { sendEnqueuedNotifications } from "~/server/notifications/after-response";
import { jsonRoute, readJson } from "~/server/rest/json-route";
import { idInput } from "~/server/validation";

type ProjectParams = { params: Promise<{ projectId: string }> };

/** The path's project id; one that cannot be an id names no project (404, as a foreign one does). */
async function projectIdOf({ params }: ProjectParams) {
  const parsed = idInput("Project id").safeParse((await params).projectId);
  if (!parsed.success) throw new AppError("NOT_FOUND", "No such project.");
  return parsed.data;
}

/*
 * A turn's usage may cross 80 % / 100 % of a limit, which enqueues usage-alert emails: the route
 * file hands in Next's `after`, and they are sent once the response is done (free when nothing
 * was enqueued). A streamed turn settles its tokens as the stream ends, which `after` waits for.
 */

/** The caller, the message and the project of a turn; the emails it enqueues go out after the response. */
async function turnOf(req: Request, route: ProjectParams, runAfterResponse: RunAfterResponse) {
  runAfterResponse(sendEnqueuedNotifications);
  const actor = await requestActor(req);
  const input = await readJson(req, chatMessageInput);
  return { actor, input, projectId: await projectIdOf(route) };
}

/** POST /api/chat/projects/{projectId}/message: one chat turn, answered whole (201). */
export const sendMessageRoute = (runAfterResponse: RunAfterResponse) =>
  jsonRoute(async (req, route: ProjectParams) => {
    const { actor, input, projectId } = await turnOf(req, route, runAfterResponse);
    return Response.json(await sendMessage(actor, projectId, input), { status: 201 });
  });

/** POST /api/chat/projects/{projectId}/message/stream: the same turn as server-sent events. */
export const streamMessageRoute = (runAfterResponse: RunAfterResponse) =>
  jsonRoute(async (req, route: ProjectParams) => {
    const { actor, input, projectId } = await turnOf(req, route, runAfterResponse);
    const stream = await streamMessage(actor, projectId, input);
    return new Response(stream, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
    });
  });
