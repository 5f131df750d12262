import { requestActor } from "~/server/auth/request-actor";
import { chatMessageInput } from "~/server/chat/messages";
import { sendMessage } from "~/server/chat/send-message";
import { jsonRoute, readJson } from "~/server/rest/json-route";

type ProjectParams = { params: Promise<{ projectId: string }> };

/** POST /api/chat/projects/{projectId}/message: one chat turn, answered whole (201). */
export const sendMessageRoute = jsonRoute(async (req, { params }: ProjectParams) => {
  const actor = await requestActor(req);
  const input = await readJson(req, chatMessageInput);
  const { projectId } = await params;
  return Response.json(await sendMessage(actor, projectId, input), { status: 201 });
});
