import { createServer } from "node:net";
import { beforeEach, describe, expect, it } from "vitest";
import { env } from "~/env";
import { importWithEnv, sendGridStandIn } from "~/test/sendgrid";
import { EmailSendError, sendEmail } from "./email";

const standIn = sendGridStandIn();
beforeEach(() => standIn.reset());

const message = (to = "ada@example.com") => ({ to, subject: "Your invoice", html: "<p>Paid</p>", text: "Paid" });

async function failure(promise: Promise<unknown>): Promise<EmailSendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  // By name: a module graph rebuilt by sendEmailWith has its own EmailSendError class.
  expect((error as Error | null)?.name).toBe("EmailSendError");
  return error as EmailSendError;
}

/** sendEmail of a fresh module graph built from the environment with `overrides`. */
const sendEmailWith = (overrides: Record<string, string>) => importWithEnv(overrides, async () => (await import("./email")).sendEmail);

describe("sendEmail through @sendgrid/mail", () => {
  it("sends from EMAIL_FROM and returns SendGrid's message id", async () => {
    const id = await sendEmail({ ...message(), headers: { "X-Entity-Ref-ID": "inv_1" }, categories: ["billing"] });
    const [stored] = standIn.messages("ada@example.com");
    expect(stored).toMatchObject({
      messageId: id,
      from: { email: "billing@vantflow.example", name: "VantFlow Billing" },
      subject: "Your invoice",
      html: "<p>Paid</p>",
      text: "Paid",
      headers: { "X-Entity-Ref-ID": "inv_1" },
      categories: ["billing"],
    });
    expect(env.EMAIL_FROM).toBe("VantFlow Billing <billing@vantflow.example>");
  });

  it("makes a 429 a retryable error with SendGrid's reset time, and the next try goes out", async () => {
    standIn.failNext(429, 1);
    const error = await failure(sendEmail(message()));
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error).toMatchObject({ retryable: true, providerStatus: 429, code: "UNAVAILABLE", httpStatus: 503 });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(error.headers["Retry-After"]).toBe(String(error.retryAfterSeconds));
    expect(error.details).toMatchObject({ reason: "email_provider_rate_limited", retryable: true });
    const id = await sendEmail(message());
    expect(standIn.messages().map((m) => m.messageId)).toEqual([id]);
  });

  it.each([500, 503] as const)("makes a %i a retryable error", async (status) => {
    standIn.failNext(status, 1);
    expect(await failure(sendEmail(message()))).toMatchObject({ retryable: true, providerStatus: status, code: "UNAVAILABLE" });
    expect(standIn.messages()).toEqual([]);
  });

  it("makes a 400 a permanent error that names SendGrid's field", async () => {
    const error = await failure(sendEmail(message("not-an-address")));
    expect(error).toMatchObject({ retryable: false, providerStatus: 400, code: "BAD_REQUEST", httpStatus: 400 });
    expect(error.providerErrors).toEqual([{ message: "Does not contain a valid address.", field: "personalizations.0.to.0.email" }]);
    expect(error.headers).toEqual({});
  });

  it("makes a rejected key a permanent failure of ours (500), with the key nowhere in the error", async () => {
    const wrongKey = "SG.wrong-key-that-must-not-leak";
    const send = await sendEmailWith({ SENDGRID_API_KEY: wrongKey });
    const error = await failure(send(message()));
    expect(error).toMatchObject({ retryable: false, providerStatus: 401, code: "INTERNAL" });
    expect(JSON.stringify({ message: error.message, details: error.details, cause: String(error.cause) })).not.toContain(wrongKey);
  });

  it("makes an unreachable SendGrid retryable, with the key nowhere in the error", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const send = await sendEmailWith({ SENDGRID_API_BASE: `http://127.0.0.1:${closed}` });
    const error = await failure(send(message()));
    expect(error).toMatchObject({ retryable: true, providerStatus: null, code: "UNAVAILABLE" });
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(env.SENDGRID_API_KEY!);
  });

  it("gives up on a SendGrid slower than SENDGRID_TIMEOUT_MS with a retryable error", async () => {
    const send = await sendEmailWith({ SENDGRID_TIMEOUT_MS: "100" });
    standIn.setLatency(1000);
    const error = await failure(send(message()));
    expect(error).toMatchObject({ retryable: true, providerStatus: null, code: "UNAVAILABLE" });
    expect(error.message).toContain("ECONNABORTED");
  });

  it("of many concurrent sends, fails exactly those SendGrid failed and returns distinct ids for the rest", async () => {
    standIn.failNext(503, 4);
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => sendEmail(message(`user${i}@example.com`))));
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed).toHaveLength(4);
    for (const r of failed) expect((r as PromiseRejectedResult).reason).toMatchObject({ retryable: true });
    const ids = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(new Set(ids).size).toBe(12);
    expect(standIn.messages().map((m) => m.messageId).sort()).toEqual([...ids].sort());
  });
});
