import { createTRPCRouter, projectProcedure } from "~/server/api/trpc";
import { chatMessageInput, listMessages } from "~/server/chat/messages";
import { sendMessage } from "~/server/chat/send-message";

export const chatRouter = createTRPCRouter({
  list: projectProcedure.query(({ ctx, input }) => listMessages(ctx.actor, input.projectId)),
  /** The same turn as the REST endpoint; past the quota the error carries the guide's body in `data.quota`. */
  send: projectProcedure.input(chatMessageInput).mutation(({ ctx, input }) => sendMessage(ctx.actor, input.projectId, input)),
});
