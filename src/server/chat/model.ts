/**
 * The chat's calls to Gemini through the official SDK. Every failure leaves here as an AppError
 * (model-errors.ts) so the caller can release its hold and answer 429/503 with Retry-After.
 */
import type { Content, GenerateContentResponse } from "@google/genai";
import { gemini, geminiModel } from "~/server/clients/gemini";
import type { ModelReply } from "~/server/chat/messages";
import { modelError } from "~/server/chat/model-errors";
import { MAX_OUTPUT_TOKENS } from "~/server/chat/token-hold";

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw modelError(error);
  }
}

/** The prompt's size as the model counts it. */
export function countPromptTokens(contents: Content[]) {
  return call(async () => {
    const { totalTokens } = await gemini().models.countTokens({ model: geminiModel(), contents });
    return totalTokens ?? 0;
  });
}

/**
 * The reply so far: its text and the usage the model last reported (each streamed chunk carries
 * the running total; the final one equals the unary answer's). Without any report, the cost is
 * what was held — the model may have used all of it.
 */
export function replyOf(text: string, usage: GenerateContentResponse["usageMetadata"], held: number, model = geminiModel()): ModelReply {
  return {
    text,
    model,
    promptTokens: usage?.promptTokenCount ?? null,
    completionTokens: usage?.candidatesTokenCount ?? null,
    totalTokens: usage?.totalTokenCount ?? held,
  };
}

const config = (abortSignal?: AbortSignal) => ({ maxOutputTokens: MAX_OUTPUT_TOKENS, ...(abortSignal ? { abortSignal } : {}) });

export function generateReply(contents: Content[], held: number) {
  return call(async () => {
    const response = await gemini().models.generateContent({ model: geminiModel(), contents, config: config() });
    return replyOf(response.text ?? "", response.usageMetadata, held, response.modelVersion ?? geminiModel());
  });
}

/** Opens a streamed reply; the returned chunks are read by the caller (errors after the first byte are not mapped). */
export function openReplyStream(contents: Content[], abortSignal: AbortSignal) {
  return call(() => gemini().models.generateContentStream({ model: geminiModel(), contents, config: config(abortSignal) }));
}
