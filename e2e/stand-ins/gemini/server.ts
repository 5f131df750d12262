/**
 * A local Gemini API for tests and offline development. The official `@google/genai` SDK drives it
 * unchanged: `new GoogleGenAI({ apiKey, httpOptions: { baseUrl: standIn.url } })`.
 *
 * It answers the three model methods the SDK calls on the Gemini Developer API:
 *   POST /{v1|v1beta|v1alpha}/models/{model}:generateContent
 *   POST /{v1|v1beta|v1alpha}/models/{model}:streamGenerateContent?alt=sse
 *   POST /{v1|v1beta|v1alpha}/models/{model}:countTokens
 * (SDK 3.x sends `v1` unless `apiVersion` is set.) The key is read from `x-goog-api-key`, or from
 * `?key=` as the real API also accepts. Text and token counts come from `./generation`.
 *
 * Injected failures, for the next N model calls or until cleared, in process or over HTTP:
 *   standIn.failNext("rate_limited", 2)          429 RESOURCE_EXHAUSTED with RetryInfo
 *   standIn.setMode("server_error")              500 INTERNAL until setMode("normal")/reset()
 *   POST /__stand-in/mode  {"mode":"rate_limited","count":2,"retryDelay":"7s","methods":["generateContent"]}
 *   POST /__stand-in/mode  {"mode":"normal"}      clears it;  GET /__stand-in/mode reads it
 *   GET /__stand-in/requests                     the recorded requests (DELETE clears them)
 * The control routes take no key: the stand-in binds to 127.0.0.1 unless told otherwise.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  GoogleApiError,
  internalError,
  invalidApiKey,
  invalidArgument,
  missingApiKey,
  notFound,
  overloaded,
  rateLimited,
} from "./errors";
import { approxTokens, chunkText, generate, promptTokens, type Content, type GenerateContentRequest } from "./generation";

export const MODEL_METHODS = ["generateContent", "streamGenerateContent", "countTokens"] as const;
export type ModelMethod = (typeof MODEL_METHODS)[number];

export const FAILURE_MODES = ["rate_limited", "server_error", "unavailable"] as const;
/** rate_limited → 429 RESOURCE_EXHAUSTED, server_error → 500 INTERNAL, unavailable → 503 UNAVAILABLE. */
export type FailureMode = (typeof FAILURE_MODES)[number];

export interface FaultOptions {
  /** The RetryInfo delay of `rate_limited`, a protobuf Duration string. Default "7s". */
  retryDelay?: string;
  /** Only these methods fail (and use up the count); default all three. */
  methods?: ModelMethod[];
}

export interface Fault {
  mode: FailureMode;
  /** Calls left to fail; null = until cleared. */
  remaining: number | null;
  retryDelay: string;
  methods: ModelMethod[];
}

export interface RecordedRequest {
  httpMethod: string;
  path: string;
  apiVersion: string | null;
  model: string | null;
  method: ModelMethod | null;
  /** The parsed JSON body, or null when there was none or it did not parse. */
  body: unknown;
  status: number;
}

export interface GeminiStandInOptions {
  apiKey: string;
  port?: number;
  host?: string;
  /** When given, other model names answer 404 NOT_FOUND as the real API does; default: any name. */
  models?: string[];
  /** Pause between SSE chunks, to make streaming visible in a UI. Default 0. */
  streamChunkDelayMs?: number;
}

export interface GeminiStandIn {
  /** The SDK's `httpOptions.baseUrl`. */
  url: string;
  port: number;
  /** Every request answered, in order (control routes excluded). */
  requests: RecordedRequest[];
  /** The next `count` model calls fail with `mode`. */
  failNext(mode: FailureMode, count?: number, opts?: FaultOptions): void;
  /** Model calls fail with `mode` until `setMode("normal")` or `reset()`. */
  setMode(mode: FailureMode | "normal", opts?: FaultOptions): void;
  fault(): Fault | null;
  /** Clears the fault and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const MODEL_PATH = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;
const CONTROL_MODE = "/__stand-in/mode";
const CONTROL_REQUESTS = "/__stand-in/requests";

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}

function parseJson(raw: string): unknown {
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${error instanceof Error ? error.message : "Unparsable body."}`);
  }
}

/** The checks the real API makes that a caller of this stand-in could plausibly trip. */
function validContents(contents: unknown, requestName: string): Content[] {
  if (!Array.isArray(contents) || contents.length === 0) {
    throw invalidArgument(`* ${requestName}.contents: contents is not specified\n`);
  }
  for (const content of contents as Content[]) {
    if (typeof content !== "object" || content === null) throw invalidArgument(`* ${requestName}.contents: each content must be an object.\n`);
    if (content.role !== undefined && content.role !== "user" && content.role !== "model") {
      throw invalidArgument("Please use a valid role: user, model.");
    }
    if (!Array.isArray(content.parts) || content.parts.length === 0) {
      throw invalidArgument(`* ${requestName}.contents.parts: contents.parts must not be empty.\n`);
    }
  }
  return contents as Content[];
}

function makeFault(mode: FailureMode, remaining: number | null, opts: FaultOptions = {}): Fault {
  const methods = opts.methods ?? [...MODEL_METHODS];
  if (!methods.every((m) => (MODEL_METHODS as readonly string[]).includes(m))) throw new Error(`methods must be among ${MODEL_METHODS.join(", ")}`);
  const retryDelay = opts.retryDelay ?? "7s";
  if (!/^\d+(\.\d{1,9})?s$/.test(retryDelay)) throw new Error(`retryDelay must be a protobuf Duration such as "7s", got ${JSON.stringify(retryDelay)}`);
  return { mode, remaining, retryDelay, methods };
}

export async function startGeminiStandIn(opts: GeminiStandInOptions): Promise<GeminiStandIn> {
  const requests: RecordedRequest[] = [];
  let fault: Fault | null = null;
  let sequence = 0;

  /** Uses up one injected failure for this call, if one applies. */
  function takeFault(method: ModelMethod, model: string): GoogleApiError | null {
    if (!fault || !fault.methods.includes(method)) return null;
    const current = fault;
    if (current.remaining !== null && --current.remaining <= 0) fault = null;
    if (current.mode === "rate_limited") return rateLimited(model, current.retryDelay);
    return current.mode === "server_error" ? internalError() : overloaded();
  }

  const setMode = (mode: FailureMode | "normal", faultOpts?: FaultOptions) => {
    fault = mode === "normal" ? null : makeFault(mode, null, faultOpts);
  };
  const failNext = (mode: FailureMode, count = 1, faultOpts?: FaultOptions) => {
    if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer");
    fault = makeFault(mode, count, faultOpts);
  };

  async function control(req: IncomingMessage, res: ServerResponse, path: string) {
    if (path === CONTROL_REQUESTS) {
      if (req.method === "DELETE") requests.length = 0;
      return sendJson(res, 200, { requests });
    }
    if (req.method === "POST") {
      const body = parseJson(await readBody(req)) as { mode?: unknown; count?: unknown } & FaultOptions;
      const mode = body.mode;
      if (mode !== "normal" && !(FAILURE_MODES as readonly unknown[]).includes(mode)) {
        throw invalidArgument(`mode must be one of normal, ${FAILURE_MODES.join(", ")}`);
      }
      try {
        if (mode === "normal") setMode("normal");
        else if (body.count === undefined || body.count === null) setMode(mode as FailureMode, body);
        else failNext(mode as FailureMode, Number(body.count), body);
      } catch (error) {
        throw invalidArgument(error instanceof Error ? error.message : String(error));
      }
    }
    sendJson(res, 200, { fault });
  }

  async function modelCall(req: IncomingMessage, res: ServerResponse, url: URL, record: RecordedRequest) {
    const match = MODEL_PATH.exec(url.pathname);
    if (match) {
      record.apiVersion = match[1]!;
      try {
        record.model = decodeURIComponent(match[2]!);
      } catch {
        record.model = match[2]!;
      }
    }
    const raw = await readBody(req);
    try {
      record.body = raw.trim() ? JSON.parse(raw) : null;
    } catch {
      record.body = null;
    }

    const key = req.headers["x-goog-api-key"] ?? url.searchParams.get("key");
    if (!key) throw missingApiKey();
    if (key !== opts.apiKey) throw invalidApiKey();

    const method = match?.[3] as ModelMethod | undefined;
    if (!match || !method || !MODEL_METHODS.includes(method) || req.method !== "POST") {
      throw notFound(`Method not found: ${req.method ?? "GET"} ${url.pathname}`);
    }
    const apiVersion = match[1]!;
    const model = record.model!;
    record.method = method;
    if (opts.models && !opts.models.includes(model)) {
      throw notFound(
        `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
      );
    }

    const injected = takeFault(method, model);
    if (injected) throw injected;

    const body = parseJson(raw) as Record<string, unknown>;
    if (method === "countTokens") {
      // The API takes either bare `contents` or a whole `generateContentRequest`.
      const inner = body.generateContentRequest as GenerateContentRequest | undefined;
      const request: GenerateContentRequest = inner
        ? { contents: validContents(inner.contents, "CountTokensRequest.generate_content_request"), systemInstruction: inner.systemInstruction }
        : { contents: validContents(body.contents, "CountTokensRequest") };
      const totalTokens = promptTokens(request);
      record.status = 200;
      return sendJson(res, 200, { totalTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: totalTokens }] });
    }

    const request = body as GenerateContentRequest;
    validContents(request.contents, "GenerateContentRequest");
    const result = generate(request);
    // Unique per answer yet reproducible across runs: the n-th request with a given body gets the same id.
    const responseId = createHash("sha256").update(`${++sequence}\n${raw}`).digest("base64url").slice(0, 23);
    const usage = (candidatesTokenCount: number) => ({
      promptTokenCount: result.promptTokenCount,
      candidatesTokenCount,
      totalTokenCount: result.promptTokenCount + candidatesTokenCount,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: result.promptTokenCount }],
    });
    const chunk = (text: string, last: boolean, candidatesTokenCount: number) => ({
      candidates: [{ content: { parts: [{ text }], role: "model" }, ...(last ? { finishReason: result.finishReason } : {}), index: 0 }],
      usageMetadata: usage(candidatesTokenCount),
      modelVersion: model,
      responseId,
    });

    record.status = 200;
    if (method === "generateContent") return sendJson(res, 200, chunk(result.text, true, result.candidatesTokenCount));

    // Each chunk's usage is the running total so far (the SDK keeps the latest, it does not sum),
    // so the last chunk's usage equals the unary answer's. Only the last chunk has a finishReason:
    // the SDK reads a stream that ends without one as cut short (and reopens it if it yielded nothing).
    const pieces = chunkText(result.text);
    let sent = "";
    const events = pieces.map((piece, i) => {
      sent += piece;
      return chunk(piece, i === pieces.length - 1, approxTokens(sent));
    });
    if (url.searchParams.get("alt") !== "sse") return sendJson(res, 200, events);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const event of events) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
      if (opts.streamChunkDelayMs) await new Promise((resolve) => setTimeout(resolve, opts.streamChunkDelayMs));
    }
    res.end();
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (url.pathname === CONTROL_MODE || url.pathname === CONTROL_REQUESTS) {
      try {
        return await control(req, res, url.pathname);
      } catch (error) {
        const e = error instanceof GoogleApiError ? error : internalError();
        return sendJson(res, e.code, e.toBody());
      }
    }
    const record: RecordedRequest = { httpMethod: req.method ?? "GET", path: url.pathname + url.search, apiVersion: null, model: null, method: null, body: null, status: 0 };
    requests.push(record);
    try {
      await modelCall(req, res, url, record);
    } catch (error) {
      const e = error instanceof GoogleApiError ? error : internalError();
      record.status = e.code;
      if (!res.headersSent) sendJson(res, e.code, e.toBody());
      else res.destroy();
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    requests,
    failNext,
    setMode,
    fault: () => (fault ? { ...fault, methods: [...fault.methods] } : null),
    reset: () => {
      fault = null;
      requests.length = 0;
    },
    // The SDK's undici dispatcher keeps connections alive; close them so close() does not wait on idle sockets.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
