/**
 * Errors in the shape the Gemini API (generativelanguage.googleapis.com) answers them:
 * `{ error: { code, message, status, details? } }`, where `code` is the HTTP status, `status` the
 * google.rpc.Code name and `details` a list of typed google.rpc messages (`@type` URLs).
 *
 * `@google/genai` turns any non-2xx answer into `ApiError { status, message }` whose message is
 * `JSON.stringify(body)` when the content type is JSON — so everything here, `details` included,
 * reaches the caller through `JSON.parse(error.message)`.
 */

export type RpcStatus = "INVALID_ARGUMENT" | "PERMISSION_DENIED" | "NOT_FOUND" | "RESOURCE_EXHAUSTED" | "INTERNAL" | "UNAVAILABLE";

type Detail = { "@type": string } & Record<string, unknown>;

export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: RpcStatus,
    message: string,
    readonly details: Detail[] = [],
  ) {
    super(message);
  }

  toBody() {
    return { error: { code: this.code, message: this.message, status: this.status, ...(this.details.length ? { details: this.details } : {}) } };
  }
}

const TYPE = "type.googleapis.com/google.rpc.";
const SERVICE = "generativelanguage.googleapis.com";

/** A key that is present but not the configured one: the real API answers 400, not 401/403. */
export function invalidApiKey() {
  const message = "API key not valid. Please pass a valid API key.";
  return new GoogleApiError(400, "INVALID_ARGUMENT", message, [
    { "@type": `${TYPE}ErrorInfo`, reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: SERVICE } },
    { "@type": `${TYPE}LocalizedMessage`, locale: "en-US", message },
  ]);
}

/** No key at all (neither `x-goog-api-key` nor `?key=`): the real API answers 403. */
export function missingApiKey() {
  return new GoogleApiError(
    403,
    "PERMISSION_DENIED",
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/**
 * A per-minute quota hit. The wait is carried only in the body (`google.rpc.RetryInfo.retryDelay`,
 * a protobuf Duration string such as "7s"); the real API sends no Retry-After header.
 */
export function rateLimited(model: string, retryDelay: string) {
  return new GoogleApiError(
    429,
    "RESOURCE_EXHAUSTED",
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n" +
      `* Quota exceeded for metric: ${SERVICE}/generate_content_free_tier_requests, model: ${model}\n` +
      `Please retry in ${retryDelay}.`,
    [
      { "@type": `${TYPE}Help`, links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }] },
      {
        "@type": `${TYPE}QuotaFailure`,
        violations: [
          {
            quotaMetric: `${SERVICE}/generate_content_free_tier_requests`,
            quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            quotaDimensions: { location: "global", model },
          },
        ],
      },
      { "@type": `${TYPE}RetryInfo`, retryDelay },
    ],
  );
}

export function internalError() {
  return new GoogleApiError(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
}

export function overloaded() {
  return new GoogleApiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
}

export function invalidArgument(message: string) {
  return new GoogleApiError(400, "INVALID_ARGUMENT", message);
}

export function notFound(message: string) {
  return new GoogleApiError(404, "NOT_FOUND", message);
}
