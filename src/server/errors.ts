import { ZodError, type z } from "zod";

/**
 * The one error vocabulary of the domain. Services throw `AppError(code)`; the tRPC error
 * formatter and the HTTP route adapter each map it once, from the table below.
 */
const codes = {
  BAD_REQUEST: { http: 400, trpc: "BAD_REQUEST", title: "Invalid request" },
  UNAUTHORIZED: { http: 401, trpc: "UNAUTHORIZED", title: "Unauthorized" },
  PAYMENT_REQUIRED: { http: 402, trpc: "FORBIDDEN", title: "Payment required" },
  FORBIDDEN: { http: 403, trpc: "FORBIDDEN", title: "Forbidden" },
  NOT_FOUND: { http: 404, trpc: "NOT_FOUND", title: "Not found" },
  CONFLICT: { http: 409, trpc: "CONFLICT", title: "Conflict" },
  RATE_LIMITED: { http: 429, trpc: "TOO_MANY_REQUESTS", title: "Too many requests" },
  INTERNAL: { http: 500, trpc: "INTERNAL_SERVER_ERROR", title: "Internal error" },
  UNAVAILABLE: { http: 503, trpc: "INTERNAL_SERVER_ERROR", title: "Service unavailable" },
} as const;

export type AppErrorCode = keyof typeof codes;
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Extra machine-readable fields merged into the HTTP body (never secrets). */
  readonly details: Record<string, unknown>;
  readonly fieldErrors?: FieldErrors;
  readonly title: string;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; fieldErrors?: FieldErrors; title?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details ?? {};
    this.fieldErrors = options.fieldErrors;
    this.title = options.title ?? codes[code].title;
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

/** Normalises anything thrown into an AppError; unknown errors become INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new AppError("BAD_REQUEST", "The request body is invalid.", {
      title: "Invalid input",
      fieldErrors: fieldErrorsOf(error),
    });
  }
  return new AppError("INTERNAL", "Something went wrong on our side. Please retry.", { cause: error });
}

/** The machine-readable body of every error response: `error` is a short title, `code` is stable. */
export function errorBody(error: AppError) {
  return {
    error: error.title,
    code: error.code,
    message: error.message,
    ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
    ...error.details,
  };
}
