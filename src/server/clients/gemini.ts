import { GoogleGenAI } from "@google/genai";
import { env } from "~/env";
import { AppError } from "~/server/errors";

let client: GoogleGenAI | undefined;

/**
 * The one Gen AI client. `GEMINI_API_BASE` (e.g. http://127.0.0.1:12113) is the only switch
 * between the Gemini API and the local stand-in. `vertexai: false` keeps GOOGLE_GENAI_USE_VERTEXAI
 * in the environment from rerouting it; the SDK retries nothing (no retryOptions), so a 429 or 5xx
 * reaches the chat at once, which releases its reservation and tells the caller when to retry.
 */
export function gemini(): GoogleGenAI {
  if (!env.GEMINI_API_KEY) throw new AppError("UNAVAILABLE", "Chat is not configured: GEMINI_API_KEY is not set.");
  client ??= new GoogleGenAI({
    apiKey: env.GEMINI_API_KEY,
    vertexai: false,
    ...(env.GEMINI_API_BASE ? { httpOptions: { baseUrl: env.GEMINI_API_BASE } } : {}),
  });
  return client;
}

export const geminiModel = () => env.GEMINI_MODEL;
