/**
 * A local SendGrid v3 Mail Send for tests and offline development. The official `@sendgrid/mail`
 * drives it unchanged once its client's base URL points here:
 *   const client = new Client(); client.setApiKey(key); client.setDefaultRequest("baseUrl", standIn.url);
 *   mail.setClient(client)
 * (setApiKey resets the base URL, so the base URL is set after it.)
 *
 *   POST /v3/mail/send                     Bearer key; SendGrid's validation (./validation) → 400
 *                                          {"errors":[…]}; accepted → 202, empty body, X-Message-Id
 *   GET  /v3/user/webhooks/event/settings/signed   {enabled, public_key} as SendGrid answers it
 *   GET  /                                 the mailbox: every accepted email, newest first (HTML)
 *   GET  /messages/:id                     one email: headers, HTML body (sandboxed) and text
 * Controls (no key: the stand-in binds to 127.0.0.1 unless told otherwise):
 *   GET  /__stand-in/messages?to=a@b.c     the stored emails as JSON, optionally for one recipient
 *   POST /__stand-in/faults {"status":429|500|503,"count":N}   the next N sends fail that way
 *   POST /__stand-in/latency {"ms":N}     every send waits N ms before it answers (0 clears)
 *   POST /__stand-in/events {"url","events":[{"event":"bounce","email":…},…]}  posts them signed
 *   POST /__stand-in/reset                 forgets the emails and the fault
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { badJson, invalidAuth, missingAuth, notFound, rateLimited, SendGridApiError, serverError } from "./errors";
import { eventKeys, postEvents, type PostedEvents } from "./event-webhook";
import { filterMessages, listPage, messagePage, messagesOf, type StoredMessage } from "./mailbox";
import { validateMailSend, type MailSendBody } from "./validation";

export const FAULT_STATUSES = [429, 500, 503] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export interface SendGridStandInOptions {
  apiKey: string;
  port?: number;
  host?: string;
}

export interface SendGridStandIn {
  /** The SDK client's `baseUrl`, and the mailbox's address. */
  url: string;
  port: number;
  /** The Event Webhook verification key, base64 DER as SendGrid's settings show it. */
  eventWebhookPublicKey: string;
  /** The accepted emails, oldest first; with `to`, those addressed to it (to, cc or bcc). */
  messages(to?: string): StoredMessage[];
  /** Every send request answered (accepted or not), for tests that count attempts. */
  sendAttempts(): number;
  /** The next `count` sends fail with `status`. */
  failNext(status: FaultStatus, count?: number): void;
  /** Every send waits `ms` before it answers, for client timeouts (0 clears; reset() too). */
  setLatency(ms: number): void;
  /** Posts `events` (completed to SendGrid's shape) to `url`, signed with the stand-in's key. */
  postEvents(url: string, events: Record<string, unknown>[]): Promise<PostedEvents>;
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 30 * 1024 * 1024; // SendGrid's limit on a whole message

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SendGridApiError(413, [{ message: "Payload Too Large", field: null, help: null }]);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw badJson();
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>) {
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  send(res, status, JSON.stringify(body), { "content-type": "application/json", ...headers });
const sendHtml = (res: ServerResponse, status: number, html: string) => send(res, status, html, { "content-type": "text/html; charset=utf-8" });

export async function startSendGridStandIn(opts: SendGridStandInOptions): Promise<SendGridStandIn> {
  const messages: StoredMessage[] = [];
  const keys = eventKeys();
  let fault: { status: FaultStatus; remaining: number } | null = null;
  let attempts = 0;
  let latencyMs = 0;
  const setLatency = (ms: number) => {
    if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) throw new Error("ms must be an integer from 0 to 60000");
    latencyMs = ms;
  };

  const failNext = (status: FaultStatus, count = 1) => {
    if (!FAULT_STATUSES.includes(status)) throw new Error(`status must be one of ${FAULT_STATUSES.join(", ")}`);
    if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer");
    fault = { status, remaining: count };
  };

  function takeFault(): SendGridApiError | null {
    if (!fault) return null;
    const { status } = fault;
    if (--fault.remaining <= 0) fault = null;
    return status === 429 ? rateLimited(Date.now()) : serverError(status);
  }

  function authorize(req: IncomingMessage) {
    const header = req.headers.authorization;
    if (!header) throw missingAuth();
    if (header !== `Bearer ${opts.apiKey}`) throw invalidAuth();
  }

  async function mailSend(req: IncomingMessage, res: ServerResponse) {
    attempts++;
    authorize(req);
    const raw = await readBody(req);
    if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const injected = takeFault();
    if (injected) throw injected;
    const body = parseJson(raw);
    const errors = validateMailSend(body);
    if (errors.length) throw new SendGridApiError(400, errors);
    const messageId = randomBytes(16).toString("base64url").slice(0, 22);
    messages.push(...messagesOf(body as MailSendBody, messageId, new Date().toISOString()));
    send(res, 202, "", { "X-Message-Id": messageId });
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname;
    if (path === "/__stand-in/messages" && req.method === "GET") return sendJson(res, 200, { messages: filterMessages(messages, url.searchParams.get("to")) });
    if (req.method !== "POST") throw notFound();
    const body = (parseJson((await readBody(req)) || "{}") ?? {}) as Record<string, unknown>;
    if (path === "/__stand-in/reset") {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/__stand-in/faults") {
      try {
        failNext(Number(body.status) as FaultStatus, body.count === undefined ? 1 : Number(body.count));
      } catch (error) {
        throw new SendGridApiError(400, [{ message: (error as Error).message, field: "status", help: null }]);
      }
      return sendJson(res, 200, { fault });
    }
    if (path === "/__stand-in/latency") {
      try {
        setLatency(Number(body.ms));
      } catch (error) {
        throw new SendGridApiError(400, [{ message: (error as Error).message, field: "ms", help: null }]);
      }
      return sendJson(res, 200, { ms: latencyMs });
    }
    if (path === "/__stand-in/events") {
      if (typeof body.url !== "string" || !Array.isArray(body.events) || body.events.length === 0) {
        throw new SendGridApiError(400, [{ message: "url (string) and events (non-empty array) are required", field: null, help: null }]);
      }
      const posted = await postEvents(keys, body.url, body.events as Record<string, unknown>[]);
      return sendJson(res, 200, posted);
    }
    throw notFound();
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname;
    if (path.startsWith("/__stand-in/")) return control(req, res, url);
    if (path === "/v3/mail/send" && req.method === "POST") return mailSend(req, res);
    if (path === "/v3/user/webhooks/event/settings/signed" && req.method === "GET") {
      authorize(req);
      return sendJson(res, 200, { enabled: true, public_key: keys.publicKey });
    }
    if (path === "/" && req.method === "GET") return sendHtml(res, 200, listPage(messages));
    const page = /^\/messages\/([^/]+)$/.exec(path);
    if (page && req.method === "GET") {
      const message = messages.find((m) => m.id === decodeURIComponent(page[1]!));
      return message ? sendHtml(res, 200, messagePage(message)) : sendHtml(res, 404, "<!doctype html><p>No such message.</p>");
    }
    throw notFound();
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    route(req, res, url).catch((error: unknown) => {
      const e = error instanceof SendGridApiError ? error : serverError(500);
      if (!res.headersSent) sendJson(res, e.status, e.toBody(), e.headers);
      else res.destroy();
    });
  });

  function reset() {
    messages.length = 0;
    fault = null;
    attempts = 0;
    latencyMs = 0;
  }

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    eventWebhookPublicKey: keys.publicKey,
    messages: (to) => filterMessages(messages, to ?? null).map((m) => ({ ...m })),
    sendAttempts: () => attempts,
    failNext,
    setLatency,
    postEvents: (url, events) => postEvents(keys, url, events),
    reset,
    // axios keeps connections alive; close them so close() does not wait on idle sockets.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
