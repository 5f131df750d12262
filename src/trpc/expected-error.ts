import { isTRPCClientError } from "@trpc/client";

/**
 * A 4xx answer is an outcome the UI shows the user (a 402 over quota, "the last card of an active
 * subscription", a form's field errors), not a fault: the browser console and Next's issues badge
 * get only 5xx answers and failures with no answer at all (network, a broken response).
 */
export function isExpectedError(error: unknown): boolean {
  if (!isTRPCClientError(error)) return false;
  const status = (error.data as { httpStatus?: unknown } | undefined)?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
