/**
 * One chat turn streamed as server-sent events: `delta` events with the text as it arrives, then
 * `done` with the stored exchange and the charge (the same body the unary endpoint answers), or
 * `error` when the model fails mid-stream. Everything before the first byte (the 402, a foreign
 * project, Gemini's 429/5xx when the stream opens) fails as the unary call does, as plain JSON.
 *
 * From the moment the model streams, the hold is settled exactly once, whichever comes first: the
 * end of the stream, a failure mid-stream, or the client abandoning it (the ReadableStream's
 * cancel). The charge is the usage the model last reported — each chunk carries the running total —
 * or, when no chunk arrived yet, the whole hold (the model may have spent it; we cannot know). The
 * text received so far is stored with that charge, so what was paid for can be seen.
 */
import type { GenerateContentResponse } from "@google/genai";
import { errorBody } from "~/server/errors";
import { logger } from "~/server/logger";
import type { Actor } from "~/server/orgs/memberships";
import type { ChatMessageInput } from "~/server/chat/messages";
import { modelError } from "~/server/chat/model-errors";
import { openReplyStream, replyOf } from "~/server/chat/model";
import { finishTurn, prepareTurn, releasingOnFailure } from "~/server/chat/send-message";

const encoder = new TextEncoder();
const sse = (event: "delta" | "done" | "error", data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export async function streamMessage(actor: Actor, projectId: string, input: ChatMessageInput, now = new Date()): Promise<ReadableStream<Uint8Array>> {
  const { hold, contents } = await prepareTurn(actor, projectId, input.content, now);
  const upstream = new AbortController();
  const chunks = await releasingOnFailure(hold, () => openReplyStream(contents, upstream.signal));

  let text = "";
  let usage: GenerateContentResponse["usageMetadata"];
  let finished: ReturnType<typeof finishTurn> | null = null;
  /** Stops reading the model and settles the hold with what it reported so far (once). */
  const finish = () => {
    if (!finished) {
      upstream.abort();
      finished = finishTurn(actor, projectId, input.content, hold, replyOf(text, usage, hold.held));
    }
    return finished;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (finished) return;
        try {
          const next = await chunks.next();
          if (finished) return; // abandoned while this chunk was on its way
          if (next.done) {
            controller.enqueue(sse("done", await finish()));
            return controller.close();
          }
          usage = next.value.usageMetadata ?? usage;
          const piece = next.value.text ?? "";
          text += piece;
          if (piece) controller.enqueue(sse("delta", { text: piece }));
        } catch (error) {
          if (finished) return;
          const failure = modelError(error);
          logger.warn("chat: the model stream failed", { projectId, error });
          await finish().catch((settleError: unknown) => logger.error("chat: settling a failed stream failed", { projectId, error: settleError }));
          controller.enqueue(sse("error", errorBody(failure)));
          controller.close();
        }
      },
      async cancel() {
        await finish();
      },
    },
    // Pull from the model only as the client reads: an abandoned stream stops the model at once.
    { highWaterMark: 0 },
  );
}
