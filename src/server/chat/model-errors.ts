/**
 * A failed model call in the app's vocabulary. Gemini's 429 becomes our 429 and its 5xx (or no
 * answer at all) our 503, both with a Retry-After, so the caller knows it may simply retry; the
 * chat has released its reservation by then, so the failed call costs nothing. Any other refusal
 * (a rejected key, an unknown model) is our own misconfiguration: 500, logged by the route.
 */
import { ApiError } from "@google/genai";
import { AppError } from "~/server/errors";

/** When Gemini names no delay (a 5xx never does), how long the caller is asked to wait. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

/** The RetryInfo delay of a Google error body ("7s", "1.5s") in whole seconds, if there is one. */
export function retryDelaySeconds(error: ApiError): number | null {
  let body: unknown;
  try {
    body = JSON.parse(error.message);
  } catch {
    return null;
  }
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return null;
  for (const detail of details as { "@type"?: unknown; retryDelay?: unknown }[]) {
    if (typeof detail?.["@type"] !== "string" || !detail["@type"].endsWith("google.rpc.RetryInfo")) continue;
    const match = typeof detail.retryDelay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
    if (match) return Math.max(1, Math.ceil(Number(match[1])));
  }
  return null;
}

const retryable = (code: "RATE_LIMITED" | "UNAVAILABLE", message: string, seconds: number, cause: unknown) =>
  new AppError(code, message, {
    details: { reason: code === "RATE_LIMITED" ? "model_rate_limited" : "model_unavailable", retryAfterSeconds: seconds },
    headers: { "Retry-After": String(seconds) },
    cause,
  });

export function modelError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ApiError && error.status === 429) {
    const seconds = retryDelaySeconds(error) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return retryable("RATE_LIMITED", "The model is rate limited. Nothing was charged; retry after the delay.", seconds, error);
  }
  if (!(error instanceof ApiError) || error.status >= 500) {
    // No HTTP answer (connection refused, reset, timeout) counts as unavailable too.
    return retryable("UNAVAILABLE", "The model is not answering right now. Nothing was charged; retry in a moment.", DEFAULT_RETRY_AFTER_SECONDS, error);
  }
  return new AppError("INTERNAL", "The model refused the request on our side. Nothing was charged.", { cause: error });
}
