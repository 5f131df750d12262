import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import { env } from "~/env";
import { AppError, type AppErrorCode } from "~/server/errors";

/**
 * The app's one email sender: the official `@sendgrid/mail` with a client of its own (not the
 * package's shared singleton). `SENDGRID_API_BASE` (e.g. http://127.0.0.1:12114) is the only
 * switch between SendGrid and the local stand-in (e2e/stand-ins/sendgrid). The SDK retries
 * nothing; a caller that must deliver (the outbox of issue 13) retries on `retryable`.
 */
let mail: MailService | undefined;

function mailer(): MailService {
  if (!env.SENDGRID_API_KEY) {
    throw new EmailSendError("Email is not configured: SENDGRID_API_KEY is not set.", { code: "UNAVAILABLE", retryable: true, reason: "email_not_configured" });
  }
  if (!mail) {
    const client = new Client();
    client.setApiKey(env.SENDGRID_API_KEY);
    // setApiKey sets SendGrid's URL of the key's region, so the override comes after it.
    if (env.SENDGRID_API_BASE) client.setDefaultRequest("baseUrl", env.SENDGRID_API_BASE);
    mail = new MailService();
    mail.setClient(client);
    mail.setTimeout(env.SENDGRID_TIMEOUT_MS); // axios waits forever by default
  }
  return mail;
}

/** What SendGrid said was wrong, without anything from the request (the key is in its headers). */
export interface ProviderError {
  message: string;
  field: string | null;
}

/**
 * A send that did not go out. `retryable`: SendGrid rate limited us (429), failed (5xx) or could
 * not be reached; the same email may go out on a later try. Otherwise it never will as it is:
 * SendGrid refused the request (400: an invalid address or body) or the key (401/403).
 */
export class EmailSendError extends AppError {
  readonly retryable: boolean;
  /** SendGrid's HTTP status; null when it did not answer. */
  readonly providerStatus: number | null;
  readonly providerErrors: ProviderError[];
  /** From X-RateLimit-Reset on a 429: when SendGrid takes requests again. */
  readonly retryAfterSeconds: number | null;

  constructor(
    message: string,
    opts: { code: AppErrorCode; retryable: boolean; reason: string; status?: number | null; errors?: ProviderError[]; retryAfterSeconds?: number | null },
  ) {
    const retryAfter = opts.retryAfterSeconds ?? null;
    super(opts.code, message, {
      details: { reason: opts.reason, retryable: opts.retryable, ...(opts.errors?.length ? { providerErrors: opts.errors } : {}) },
      headers: opts.retryable ? { "Retry-After": String(retryAfter ?? 5) } : {},
    });
    this.name = "EmailSendError";
    this.retryable = opts.retryable;
    this.providerStatus = opts.status ?? null;
    this.providerErrors = opts.errors ?? [];
    this.retryAfterSeconds = retryAfter;
  }
}

/** The `ResponseError` of @sendgrid/helpers, duck-typed: `code` is the HTTP status. */
type SendGridResponseError = Error & { code: number; response: { headers: Record<string, string>; body: unknown } };
const isResponseError = (e: unknown): e is SendGridResponseError =>
  e instanceof Error && typeof (e as { code?: unknown }).code === "number" && typeof (e as { response?: unknown }).response === "object";

function providerErrorsOf(body: unknown): ProviderError[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: { message?: unknown; field?: unknown }) => ({
    message: String(e?.message ?? ""),
    field: typeof e?.field === "string" ? e.field : null,
  }));
}

function retryAfterOf(headers: Record<string, string>, nowMs: number): number | null {
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const reset = Number(headers["x-ratelimit-reset"]);
  return Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - nowMs / 1000)) : null;
}

/**
 * SendGrid's failure in the app's vocabulary. The SDK's own errors are not kept as the cause: a
 * network error of axios carries the request config, and with it the Authorization header.
 */
export function toEmailSendError(error: unknown, nowMs = Date.now()): EmailSendError {
  if (error instanceof EmailSendError) return error;
  if (!isResponseError(error)) {
    const code = (error as { code?: unknown } | null)?.code;
    return new EmailSendError(`SendGrid could not be reached${typeof code === "string" ? ` (${code})` : ""}.`, {
      code: "UNAVAILABLE",
      retryable: true,
      reason: "email_provider_unreachable",
    });
  }
  const status = error.code;
  const errors = providerErrorsOf(error.response.body);
  const said = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ");
  if (status === 429 || status >= 500) {
    return new EmailSendError(`SendGrid answered ${status}${said ? ` (${said})` : ""}; retry later.`, {
      code: "UNAVAILABLE",
      retryable: true,
      reason: status === 429 ? "email_provider_rate_limited" : "email_provider_error",
      status,
      errors,
      retryAfterSeconds: status === 429 ? retryAfterOf(error.response.headers ?? {}, nowMs) : null,
    });
  }
  // A rejected key is our configuration, not the caller's request.
  const keyRejected = status === 401 || status === 403;
  return new EmailSendError(`SendGrid refused the email (${status})${said ? `: ${said}` : ""}.`, {
    code: keyRejected ? "INTERNAL" : "BAD_REQUEST",
    retryable: false,
    reason: keyRejected ? "email_provider_auth" : "email_rejected",
    status,
    errors,
  });
}

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra MIME headers (e.g. List-Unsubscribe). */
  headers?: Record<string, string>;
  /** SendGrid categories, which its Event Webhook events carry back. */
  categories?: string[];
  /**
   * The body carries a secret link: SendGrid's click tracking would rewrite it through its own
   * redirect host (and keep it), so it is turned off for this email, in HTML and text.
   */
  noClickTracking?: boolean;
  /**
   * Sent even to an address on SendGrid's bounce or spam-report list (a user-initiated email the
   * recipient is waiting for). Its unsubscribe list still applies.
   */
  bypassBounceAndSpamLists?: boolean;
}

/** The per-email settings of a message, in the SDK's (camelCase) names. */
function settingsOf(message: EmailMessage) {
  return {
    ...(message.noClickTracking ? { trackingSettings: { clickTracking: { enable: false, enableText: false } } } : {}),
    ...(message.bypassBounceAndSpamLists
      ? { mailSettings: { bypassBounceManagement: { enable: true }, bypassSpamManagement: { enable: true } } }
      : {}),
  };
}

/** Sends one email from EMAIL_FROM; resolves to SendGrid's X-Message-Id. Throws EmailSendError. */
export async function sendEmail(message: EmailMessage): Promise<string> {
  const service = mailer();
  try {
    const [response] = await service.send({
      to: message.to,
      from: env.EMAIL_FROM,
      subject: message.subject,
      html: message.html,
      text: message.text,
      ...(message.headers ? { headers: message.headers } : {}),
      ...(message.categories?.length ? { categories: message.categories } : {}),
      ...settingsOf(message),
    });
    const messageId = response.headers["x-message-id"] as string | undefined;
    if (!messageId) throw new EmailSendError("SendGrid accepted the email without an X-Message-Id.", { code: "INTERNAL", retryable: false, reason: "email_provider_no_id", status: response.statusCode });
    return messageId;
  } catch (error) {
    throw toEmailSendError(error);
  }
}
