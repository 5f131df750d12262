/**
 * SendGrid v3's error bodies: `{"errors":[{"message","field","help"}]}`. The messages are the
 * ones SendGrid documents on its Mail Send errors page, so an app's handling written against the
 * stand-in matches the real service's answers.
 */
export interface SendGridErrorItem {
  message: string;
  field: string | null;
  help: string | null;
}

const HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html";
export const help = (anchor: string) => `${HELP}#${anchor}`;

export class SendGridApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SendGridErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => e.message).join("; "));
  }
  toBody() {
    return { errors: this.errors };
  }
}

export const missingAuth = () => new SendGridApiError(401, [{ message: "authorization required", field: null, help: null }]);
export const invalidAuth = () =>
  new SendGridApiError(401, [{ message: "The provided authorization grant is invalid, expired, or revoked", field: null, help: null }]);
export const badJson = () => new SendGridApiError(400, [{ message: "Bad Request", field: null, help: null }]);
export const notFound = () => new SendGridApiError(404, [{ message: "resource not found", field: null, help: null }]);

/** SendGrid's 429: the body of its rate limiter and the X-RateLimit-* headers (Reset is epoch seconds). */
export function rateLimited(nowMs: number, limit = 600) {
  return new SendGridApiError(429, [{ message: "too many requests", field: null, help: null }], {
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": String(Math.floor(nowMs / 1000) + 1),
  });
}

export function serverError(status: 500 | 503) {
  const message = status === 503 ? "Service Unavailable" : "Internal Server Error";
  return new SendGridApiError(status, [{ message, field: null, help: null }]);
}
