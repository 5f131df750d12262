import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";
import { AppError } from "~/server/errors";
import { DEFAULT_RETRY_AFTER_SECONDS, modelError, retryDelaySeconds } from "~/server/chat/model-errors";

const googleError = (status: number, details?: unknown[]) =>
  new ApiError({ status, message: JSON.stringify({ error: { code: status, message: "x", status: "S", ...(details ? { details } : {}) } }) });
const retryInfo = (retryDelay: string) => ({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay });

describe("retryDelaySeconds", () => {
  it.each([
    ["7s", 7],
    ["31.5s", 32],
    ["0.2s", 1],
  ])("reads RetryInfo %s as %i whole seconds", (delay, seconds) => {
    expect(retryDelaySeconds(googleError(429, [{ "@type": "type.googleapis.com/google.rpc.Help" }, retryInfo(delay)]))).toBe(seconds);
  });

  it("is null without RetryInfo, with a malformed delay, or when the message is not JSON", () => {
    expect(retryDelaySeconds(googleError(429))).toBeNull();
    expect(retryDelaySeconds(googleError(429, [retryInfo("soon")]))).toBeNull();
    expect(retryDelaySeconds(new ApiError({ status: 429, message: "Too Many Requests" }))).toBeNull();
  });
});

describe("modelError", () => {
  it("maps 429 to RATE_LIMITED, 5xx and no answer to UNAVAILABLE, both with Retry-After", () => {
    expect(modelError(googleError(429, [retryInfo("7s")]))).toMatchObject({ httpStatus: 429, headers: { "Retry-After": "7" } });
    expect(modelError(googleError(429))).toMatchObject({ httpStatus: 429, headers: { "Retry-After": String(DEFAULT_RETRY_AFTER_SECONDS) } });
    for (const status of [500, 503]) expect(modelError(googleError(status))).toMatchObject({ httpStatus: 503, details: { reason: "model_unavailable" } });
    expect(modelError(new TypeError("fetch failed"))).toMatchObject({ httpStatus: 503, headers: { "Retry-After": String(DEFAULT_RETRY_AFTER_SECONDS) } });
  });

  it("maps any other refusal (a rejected key) to our own 500 and keeps an AppError as it is", () => {
    expect(modelError(googleError(400))).toMatchObject({ httpStatus: 500, code: "INTERNAL" });
    const own = new AppError("NOT_FOUND", "No such project.");
    expect(modelError(own)).toBe(own);
  });
});
