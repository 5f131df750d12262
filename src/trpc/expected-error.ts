import { isTRPCClientError } from "@trpc/client";

/**
 * An answer the UI shows the user (a 402 over quota, "the last card of an active subscription",
 * a form's field errors), not a fault: a 4xx that the app's error formatter marked as its own
 * (server/api/trpc.ts: `appCode` of an AppError, `fieldErrors` of a failed input schema). A 4xx
 * without either (no such procedure, a body tRPC could not parse, a wrong method, an oversized
 * body) means this bundle and the server disagree: it reaches the console and Next's issues badge,
 * like every 5xx and a failure with no answer at all (network, a broken response).
 */
export function isExpectedError(error: unknown): boolean {
  if (!isTRPCClientError(error)) return false;
  const data = error.data as { httpStatus?: unknown; appCode?: unknown; fieldErrors?: unknown } | undefined;
  const status = data?.httpStatus;
  if (typeof status !== "number" || status < 400 || status >= 500) return false;
  return Boolean(data?.appCode) || Boolean(data?.fieldErrors);
}
