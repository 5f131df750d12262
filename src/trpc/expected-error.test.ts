import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { isExpectedError } from "~/trpc/expected-error";

const answer = (httpStatus: number, code: string, appCode: string | null) =>
  TRPCClientError.from({ error: { message: "m", code: -32000, data: { httpStatus, code, appCode } } });

describe("isExpectedError: which failed calls stay out of the console", () => {
  it("a 4xx answer (402 quota, 409 last card, 400 input) is an outcome the UI shows", () => {
    expect(isExpectedError(answer(402, "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"))).toBe(true);
    expect(isExpectedError(answer(409, "CONFLICT", "CONFLICT"))).toBe(true);
    expect(isExpectedError(answer(400, "BAD_REQUEST", null))).toBe(true);
  });

  it("a 5xx answer, a network failure or any other error is logged", () => {
    expect(isExpectedError(answer(500, "INTERNAL_SERVER_ERROR", null))).toBe(false);
    expect(isExpectedError(answer(503, "SERVICE_UNAVAILABLE", "UNAVAILABLE"))).toBe(false);
    expect(isExpectedError(TRPCClientError.from(new TypeError("Failed to fetch")))).toBe(false);
    expect(isExpectedError(new Error("boom"))).toBe(false);
  });
});
