import { z } from "zod";
import { describe, expect, it } from "vitest";
import { AppError, errorBody, toAppError } from "./errors";

describe("AppError mapping", () => {
  it.each([
    ["BAD_REQUEST", 400, "BAD_REQUEST"],
    ["UNAUTHORIZED", 401, "UNAUTHORIZED"],
    ["PAYMENT_REQUIRED", 402, "PAYMENT_REQUIRED"],
    ["FORBIDDEN", 403, "FORBIDDEN"],
    ["NOT_FOUND", 404, "NOT_FOUND"],
    ["CONFLICT", 409, "CONFLICT"],
    ["PAYLOAD_TOO_LARGE", 413, "PAYLOAD_TOO_LARGE"],
    ["UNSUPPORTED_MEDIA_TYPE", 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["RATE_LIMITED", 429, "TOO_MANY_REQUESTS"],
    ["INTERNAL", 500, "INTERNAL_SERVER_ERROR"],
    ["UNAVAILABLE", 503, "SERVICE_UNAVAILABLE"],
  ] as const)("%s → HTTP %i, tRPC %s", (code, http, trpc) => {
    const error = new AppError(code, "m");
    expect(error.httpStatus).toBe(http);
    expect(error.trpcCode).toBe(trpc);
  });

  it("turns a ZodError into a 400 naming each field", () => {
    const schema = z.object({ email: z.email(), password: z.string().min(8), name: z.string() });
    const result = schema.safeParse({ email: "x" });
    const error = toAppError(result.error);
    expect(error.httpStatus).toBe(400);
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(["email", "name", "password"]);
    expect(errorBody(error)).toMatchObject({ code: "BAD_REQUEST", error: "Invalid input" });
  });

  it("hides unknown errors behind INTERNAL and keeps the cause", () => {
    const cause = new Error("connection string postgres://secret@db");
    const error = toAppError(cause);
    expect(error.code).toBe("INTERNAL");
    expect(error.message).not.toContain("secret");
    expect(error.cause).toBe(cause);
  });

  it("merges details into the body without overriding code", () => {
    const body = errorBody(new AppError("RATE_LIMITED", "slow down", { details: { retryAfterSeconds: 60 } }));
    expect(body).toEqual({ error: "Too many requests", code: "RATE_LIMITED", message: "slow down", retryAfterSeconds: 60 });
  });
});
