import { ZodError, type z } from "zod";
import { databaseBusyReason } from "~/server/db-errors";

/**
 * The one error vocabulary of the domain. Services throw `AppError(code)`; the tRPC error
 * formatter and the HTTP route adapter each map it once, from the table below.
 */
const codes = {
  BAD_REQUEST: { http: 400, trpc: "BAD_REQUEST", title: "Invalid request" },
  UNAUTHORIZED: { http: 401, trpc: "UNAUTHORIZED", title: "Unauthorized" },
  PAYMENT_REQUIRED: { http: 402, trpc: "PAYMENT_REQUIRED", title: "Payment required" },
  FORBIDDEN: { http: 403, trpc: "FORBIDDEN", title: "Forbidden" },
  NOT_FOUND: { http: 404, trpc: "NOT_FOUND", title: "Not found" },
  CONFLICT: { http: 409, trpc: "CONFLICT", title: "Conflict" },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: "PAYLOAD_TOO_LARGE", title: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, trpc: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported media type" },
  RATE_LIMITED: { http: 429, trpc: "TOO_MANY_REQUESTS", title: "Too many requests" },
  INTERNAL: { http: 500, trpc: "INTERNAL_SERVER_ERROR", title: "Internal error" },
  UNAVAILABLE: { http: 503, trpc: "SERVICE_UNAVAILABLE", title: "Service unavailable" },
} as const;

export type AppErrorCode = keyof typeof codes;

/** What a client is told about a failure of ours; the detail stays in the log under the request id. */
export const INTERNAL_MESSAGE = "Something went wrong on our side. Please retry.";
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Extra machine-readable fields merged into the HTTP body (never secrets). */
  readonly details: Record<string, unknown>;
  readonly fieldErrors?: FieldErrors;
  readonly title: string;
  /** HTTP headers that go with the response (Retry-After). */
  readonly headers: Record<string, string>;
  /** A body fixed by a published contract (the guide's 402): `{error, message, …details}`, no `code`. */
  readonly contractBody: boolean;

  constructor(
    code: AppErrorCode,
    message: string,
    options: {
      details?: Record<string, unknown>;
      fieldErrors?: FieldErrors;
      title?: string;
      cause?: unknown;
      headers?: Record<string, string>;
      contractBody?: boolean;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details ?? {};
    this.fieldErrors = options.fieldErrors;
    this.title = options.title ?? codes[code].title;
    this.headers = options.headers ?? {};
    this.contractBody = options.contractBody ?? false;
  }

  get httpStatus(): number {
    return codes[this.code].http;
  }

  get trpcCode() {
    return codes[this.code].trpc;
  }
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** An error thrown by the `stripe` SDK (duck-typed: this module stays free of the SDK). */
export type StripeLikeError = Error & { type: string; code?: string; decline_code?: string; statusCode?: number };
export const isStripeError = (error: unknown): error is StripeLikeError => {
  const type = error instanceof Error ? (error as { type?: unknown }).type : undefined;
  return typeof type === "string" && type.startsWith("Stripe");
};

/**
 * Stripe's answer to a request the user made, in the app's vocabulary: a declined card is 402, a
 * missing object 404, a request Stripe refuses in the current state 409; Stripe being down or
 * rate limiting is 503 (retry), and a rejected API key is our own failure (500).
 */
function fromStripe(error: StripeLikeError): AppError {
  const details = { reason: error.code ?? error.type, ...(error.decline_code ? { declineCode: error.decline_code } : {}) };
  switch (error.type) {
    case "StripeCardError":
      return new AppError("PAYMENT_REQUIRED", error.message, { details, cause: error });
    case "StripeInvalidRequestError":
      return error.code === "resource_missing"
        ? new AppError("NOT_FOUND", "Stripe has no such object (it may have been removed).", { details, cause: error })
        : new AppError("CONFLICT", `Stripe refused the change: ${error.message}`, { details, cause: error });
    case "StripeRateLimitError":
    case "StripeAPIError":
    case "StripeConnectionError":
      return new AppError("UNAVAILABLE", "Stripe is not answering right now. Please retry in a moment.", { details, cause: error });
    default:
      return new AppError("INTERNAL", INTERNAL_MESSAGE, { cause: error });
  }
}

/** Seconds a client waits before retrying a request the database was too busy for. */
export const DATABASE_BUSY_RETRY_SECONDS = 2;

/** Normalises anything thrown into an AppError; unknown errors become INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isStripeError(error)) return fromStripe(error);
  // Busy, not broken: a bounded lock or statement wait, or no free connection. A 503 with
  // Retry-After makes Stripe, QStash and clients retry instead of recording a failure.
  const busy = databaseBusyReason(error);
  if (busy) {
    return new AppError("UNAVAILABLE", "The database is busy right now. Please retry in a moment.", {
      details: { reason: busy },
      headers: { "Retry-After": String(DATABASE_BUSY_RETRY_SECONDS) },
      cause: error,
    });
  }
  if (error instanceof ZodError) {
    return new AppError("BAD_REQUEST", "The request body is invalid.", {
      title: "Invalid input",
      fieldErrors: fieldErrorsOf(error),
    });
  }
  return new AppError("INTERNAL", INTERNAL_MESSAGE, { cause: error });
}

/** The machine-readable body of every error response: `error` is a short title, `code` is stable. */
export function errorBody(error: AppError) {
  if (error.contractBody) return { error: error.title, message: error.message, ...error.details };
  return {
    error: error.title,
    code: error.code,
    message: error.message,
    ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
    ...error.details,
  };
}
