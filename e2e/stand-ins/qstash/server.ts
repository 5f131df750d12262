/**
 * A stateful local QStash for tests and offline development. The official `@upstash/qstash`
 * `Client` drives it unchanged (`new Client({ token, baseUrl: standIn.url })`), and what it
 * delivers carries an `Upstash-Signature` that the official `Receiver` verifies.
 *
 * Time: everything time-based (delays, cron, signature timestamps) reads one clock, `now()`
 * plus whatever `advance()` has added. Receivers check signatures against the wall clock, so a
 * test that moves time must keep the stand-in's clock within [wall − 5 min, wall]: inject a
 * `now` in the recent past, then `advance()`. Retry backoff alone runs on real timers (scaled by
 * `retryBaseMs`) because it is meant to be short in tests and `settle()` awaits it.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CronExpressionParser } from "cron-parser";
import { signDelivery } from "./signing";
import { compileRetryDelay, defaultBackoffSeconds, parseDuration } from "./timing";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
/** Headers fetch refuses to set, or that describe the hop rather than the message. */
const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "expect", "te", "trailer"]);
const NINETY_DAYS_MS = 90 * 86_400_000;
/** setTimeout's ceiling; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface QStashStandInOptions {
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  port?: number;
  host?: string;
  /**
   * Real milliseconds per second of QStash backoff. 1000 (the default) waits as QStash does
   * (12 s, 2 min 28 s, …); tests pass something like 1. `Upstash-Retry-Delay` results are
   * scaled by the same factor.
   */
  retryBaseMs?: number;
  /** The clock in epoch ms. Defaults to `Date.now`. */
  now?: () => number;
  /**
   * Whether real timers fire due delayed messages and schedules. Defaults to true only with the
   * real clock: against an injected clock, timers would fire at meaningless moments, so the
   * caller drives time with `advance()` / `runDue()`.
   */
  autoRun?: boolean;
  /** Retries when `Upstash-Retries` is absent (QStash: 3 on the free tier). */
  defaultRetries?: number;
  /** Per-attempt limit when `Upstash-Timeout` is absent. */
  deliveryTimeoutMs?: number;
  /** How long a deduplication id is remembered (QStash: 90 days). */
  dedupWindowMs?: number;
  /**
   * How a delivery reaches its destination; the global `fetch` by default. A test passes one that
   * routes a public host name to a local server, as DNS and a proxy would: the message's URL (and
   * the signature's `sub`) stay the public one.
   */
  fetch?: typeof fetch;
}

export interface DeliveryAttempt {
  messageId: string;
  scheduleId?: string;
  url: string;
  method: string;
  /** The `Upstash-Retried` value sent: 0 on the first attempt. */
  retried: number;
  /** Stand-in clock (epoch ms) at which the attempt was signed. */
  at: number;
  /** Headers sent, lower-cased. */
  headers: Record<string, string>;
  body: string;
  signature: string;
  /** The destination's status; null when no response arrived (network error, timeout). */
  status: number | null;
  error?: string;
  responseBody?: string;
  /** Real ms waited before the next attempt; absent on the last one. */
  backoffMs?: number;
}

export type MessageState = "CREATED" | "ACTIVE" | "RETRY" | "DELIVERED" | "FAILED" | "CANCELLED";

export interface StoredMessage {
  messageId: string;
  url: string;
  method: string;
  /** Content-Type and forwarded headers, canonical names, as delivered. */
  header: Record<string, string>;
  body: Buffer;
  createdAt: number;
  /** Not delivered before this stand-in time (epoch ms). */
  notBefore: number;
  maxRetries: number;
  retryDelay?: string;
  timeoutMs: number;
  scheduleId?: string;
  callerIp?: string;
  label?: string;
  state: MessageState;
  retried: number;
  attempts: DeliveryAttempt[];
}

export interface StoredSchedule {
  scheduleId: string;
  /** As given, whitespace-normalised. */
  cron: string;
  destination: string;
  method: string;
  header: Record<string, string>;
  body?: Buffer;
  retries: number;
  retryDelay?: string;
  delaySeconds?: number;
  timeoutMs?: number;
  createdAt: number;
  isPaused: boolean;
  callerIp?: string;
  label?: string;
  nextScheduleTime?: number;
  lastScheduleTime?: number;
  lastScheduleStates: Record<string, "IN_PROGRESS" | "SUCCESS" | "FAIL">;
}

export interface QStashStandIn {
  url: string;
  port: number;
  /** Every completed delivery attempt, in completion order. */
  deliveries: DeliveryAttempt[];
  /** Every message ever accepted, by id, including delivered and failed ones. */
  messages: ReadonlyMap<string, StoredMessage>;
  schedules: ReadonlyMap<string, StoredSchedule>;
  /** The stand-in clock (epoch ms). */
  now(): number;
  /**
   * Moves the clock forward, stopping at each due delayed message or cron occurrence in time
   * order so each is dispatched at its own instant. Dispatches only; `settle()` awaits delivery.
   */
  advance(ms: number): void;
  /** Dispatches whatever is due at the current clock. */
  runDue(): void;
  /** Fires a schedule now, paused or not, without moving its next occurrence. Returns the message id. */
  fireSchedule(scheduleId: string): string;
  /** Resolves once no delivery is in flight or backing off. Delayed work not yet due is not awaited. */
  settle(): Promise<void>;
  signingKeys(): { current: string; next: string };
  /** As `POST /v2/keys/rotate`: next becomes current, a fresh key becomes next. */
  rotateSigningKeys(): { current: string; next: string };
  close(): Promise<void>;
}

class QStashError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Go's canonical MIME header form, which QStash reports header names in: `x-tenant` → `X-Tenant`. */
function canonical(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("-");
}

function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString("base64url").replace(/[-_]/g, "")}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Header values by lower-case name; repeated headers joined as Node joins them. */
function headerMap(source: IncomingHttpHeaders | Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    map.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : String(value));
  }
  return map;
}

/** Body as QStash's API reports it: `body` when it is UTF-8, else `bodyBase64`. */
function bodyFields(body: Buffer | undefined): { body?: string; bodyBase64?: string } {
  if (!body || body.length === 0) return {};
  const text = body.toString("utf8");
  return Buffer.from(text, "utf8").equals(body) ? { body: text } : { bodyBase64: body.toString("base64") };
}

function headerArrays(header: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(header).map(([k, v]) => [k, [v]]));
}

/** What a publish or schedule request asks for, validated; shared by publish, batch and schedules. */
interface MessageSpec {
  url: string;
  method: string;
  header: Record<string, string>;
  body: Buffer;
  retries: number;
  retryDelay?: string;
  delayMs?: number;
  notBeforeMs?: number;
  timeoutMs?: number;
  label?: string;
  deduplicationId?: string;
  callerIp?: string;
}

export async function startQStashStandIn(opts: QStashStandInOptions): Promise<QStashStandIn> {
  const baseNow = opts.now ?? Date.now;
  const autoRun = opts.autoRun ?? opts.now === undefined;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const defaultRetries = opts.defaultRetries ?? 3;
  const deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 30_000;
  const dedupWindowMs = opts.dedupWindowMs ?? NINETY_DAYS_MS;
  const keys = { current: opts.currentSigningKey, next: opts.nextSigningKey };
  const send = opts.fetch ?? fetch;

  let offset = 0;
  const now = () => baseNow() + offset;

  const messages = new Map<string, StoredMessage>();
  const schedules = new Map<string, StoredSchedule>();
  const deliveries: DeliveryAttempt[] = [];
  const dedup = new Map<string, { messageId: string; at: number }>();
  const inflight = new Set<Promise<void>>();
  /** Backoff sleeps, so cancel and close can cut them short. */
  const sleepers = new Map<string, { timer: NodeJS.Timeout; wake: () => void }>();
  const shutdown = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function specFrom(destination: string, headers: Map<string, string>, body: Buffer, callerIp: string | undefined): MessageSpec {
    if (!isHttpUrl(destination)) {
      throw new QStashError(400, `destination must be an http(s) URL; URL groups and APIs are not supported by the stand-in: ${destination}`);
    }
    for (const unsupported of ["upstash-callback", "upstash-failure-callback", "upstash-queue-name"]) {
      // Refused rather than ignored: a test relying on them would otherwise pass for the wrong reason.
      if (headers.has(unsupported)) throw new QStashError(400, `${canonical(unsupported)} is not supported by the stand-in`);
    }
    const method = (headers.get("upstash-method") ?? "POST").toUpperCase();
    if (!METHODS.has(method)) throw new QStashError(400, `invalid Upstash-Method: ${method}`);

    const retriesText = headers.get("upstash-retries");
    const retries = retriesText === undefined ? defaultRetries : Number(retriesText);
    if (!Number.isInteger(retries) || retries < 0) throw new QStashError(400, `invalid Upstash-Retries: ${retriesText}`);

    const retryDelay = headers.get("upstash-retry-delay");
    if (retryDelay !== undefined) {
      try {
        compileRetryDelay(retryDelay);
      } catch (error) {
        throw new QStashError(400, `invalid Upstash-Retry-Delay: ${(error as Error).message}`);
      }
    }

    let delayMs: number | undefined;
    const delayText = headers.get("upstash-delay");
    if (delayText !== undefined) {
      const parsed = parseDuration(delayText);
      if (parsed === null) throw new QStashError(400, `invalid Upstash-Delay: ${delayText}`);
      delayMs = parsed;
    }
    let notBeforeMs: number | undefined;
    const notBeforeText = headers.get("upstash-not-before");
    if (notBeforeText !== undefined) {
      if (!/^\d+$/.test(notBeforeText)) throw new QStashError(400, `invalid Upstash-Not-Before: ${notBeforeText}`);
      notBeforeMs = Number(notBeforeText) * 1000;
    }
    let timeoutMs: number | undefined;
    const timeoutText = headers.get("upstash-timeout");
    if (timeoutText !== undefined) {
      const parsed = parseDuration(timeoutText);
      if (parsed === null || parsed === 0) throw new QStashError(400, `invalid Upstash-Timeout: ${timeoutText}`);
      timeoutMs = parsed;
    }

    const header: Record<string, string> = {};
    const contentType = headers.get("content-type");
    if (contentType !== undefined) header["Content-Type"] = contentType;
    for (const [name, value] of headers) {
      if (!name.startsWith("upstash-forward-")) continue;
      const target = name.slice("upstash-forward-".length);
      if (target && !HOP_HEADERS.has(target)) header[canonical(target)] = value;
    }

    let deduplicationId = headers.get("upstash-deduplication-id");
    if (deduplicationId === undefined && headers.get("upstash-content-based-deduplication") === "true") {
      // QStash derives the id from destination, body and headers.
      const fingerprint = createHash("sha256").update(destination).update("\0").update(body);
      for (const [k, v] of Object.entries(header).sort(([a], [b]) => a.localeCompare(b))) fingerprint.update(`\0${k}:${v}`);
      deduplicationId = `content:${fingerprint.digest("hex")}`;
    }

    return {
      url: destination,
      method,
      header,
      body,
      retries,
      retryDelay,
      delayMs,
      notBeforeMs,
      timeoutMs,
      label: headers.get("upstash-label"),
      deduplicationId,
      callerIp,
    };
  }

  /** Stores a message and dispatches it when already due; otherwise the scheduler picks it up. */
  function enqueue(spec: MessageSpec, at: number, schedule?: StoredSchedule): StoredMessage {
    const message: StoredMessage = {
      messageId: randomId("msg"),
      url: spec.url,
      method: spec.method,
      header: spec.header,
      body: spec.body,
      createdAt: at,
      // Upstash-Not-Before wins over Upstash-Delay, as documented.
      notBefore: spec.notBeforeMs ?? at + (spec.delayMs ?? 0),
      maxRetries: spec.retries,
      retryDelay: spec.retryDelay,
      timeoutMs: spec.timeoutMs ?? deliveryTimeoutMs,
      scheduleId: schedule?.scheduleId,
      callerIp: spec.callerIp,
      label: spec.label,
      state: "CREATED",
      retried: 0,
      attempts: [],
    };
    messages.set(message.messageId, message);
    // Registered before dispatch so the delivery can report its outcome into it.
    if (schedule) schedule.lastScheduleStates[message.messageId] = "IN_PROGRESS";
    if (message.notBefore <= now()) dispatch(message);
    else arm();
    return message;
  }

  /** Accepts a published message; a repeat of a remembered deduplication id returns the first message's id. */
  function accept(spec: MessageSpec): { messageId: string; deduplicated: boolean } {
    const at = now();
    if (spec.deduplicationId !== undefined) {
      const seen = dedup.get(spec.deduplicationId);
      if (seen && at - seen.at < dedupWindowMs) return { messageId: seen.messageId, deduplicated: true };
    }
    const { messageId } = enqueue(spec, at);
    if (spec.deduplicationId !== undefined) dedup.set(spec.deduplicationId, { messageId, at });
    return { messageId, deduplicated: false };
  }

  /** Starts the delivery loop. Synchronous up to the first await, so `settle()` sees it at once. */
  function dispatch(message: StoredMessage) {
    message.state = "ACTIVE";
    const run: Promise<void> = deliver(message, now())
      .catch((error: unknown) => {
        message.state = "FAILED";
        console.error("[qstash stand-in] delivery loop failed", error);
      })
      .finally(() => inflight.delete(run));
    inflight.add(run);
  }

  function backoffMs(message: StoredMessage): number {
    // Default: n counts retries including the coming one. Custom expressions see `retried`
    // (retries so far, 0 before the first) and yield ms.
    if (message.retryDelay !== undefined) {
      const ms = compileRetryDelay(message.retryDelay)(message.retried);
      return Math.max(0, Math.min(86_400_000, Number.isFinite(ms) ? ms : 0)) * (retryBaseMs / 1000);
    }
    return defaultBackoffSeconds(message.retried + 1) * retryBaseMs;
  }

  function sleep(messageId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(entry.timer);
        sleepers.delete(messageId);
        resolve();
      };
      const entry = { timer: setTimeout(wake, ms), wake };
      sleepers.set(messageId, entry);
    });
  }

  async function deliver(message: StoredMessage, firstAt: number) {
    // A call, not a property read: cancellation happens in other handlers while this awaits,
    // which TypeScript's narrowing cannot see.
    const cancelled = () => message.state === "CANCELLED";
    let at = firstAt;
    for (;;) {
      if (closed || cancelled()) return;
      const attempt = await attemptOnce(message, at);
      message.attempts.push(attempt);
      deliveries.push(attempt);
      const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
      if (ok || message.retried >= message.maxRetries || closed || cancelled()) {
        if (!cancelled()) message.state = ok ? "DELIVERED" : "FAILED";
        recordScheduleOutcome(message);
        return;
      }
      message.state = "RETRY";
      attempt.backoffMs = backoffMs(message);
      await sleep(message.messageId, attempt.backoffMs);
      message.retried += 1;
      if (!cancelled()) message.state = "ACTIVE";
      at = now();
    }
  }

  async function attemptOnce(message: StoredMessage, at: number): Promise<DeliveryAttempt> {
    const sendsBody = message.method !== "GET" && message.method !== "HEAD";
    const body = sendsBody ? message.body : Buffer.alloc(0);
    const signature = await signDelivery({ key: keys.current, url: message.url, body, nowMs: at });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.header)) headers[name.toLowerCase()] = value;
    Object.assign(headers, {
      "user-agent": "Upstash-QStash",
      "upstash-signature": signature,
      "upstash-message-id": message.messageId,
      "upstash-retried": String(message.retried),
      ...(message.scheduleId ? { "upstash-schedule-id": message.scheduleId } : {}),
      ...(message.callerIp ? { "upstash-caller-ip": message.callerIp } : {}),
    });
    const attempt: DeliveryAttempt = {
      messageId: message.messageId,
      scheduleId: message.scheduleId,
      url: message.url,
      method: message.method,
      retried: message.retried,
      at,
      headers,
      body: body.toString("utf8"),
      signature,
      status: null,
    };
    try {
      const response = await send(message.url, {
        method: message.method,
        headers,
        body: sendsBody ? new Uint8Array(body) : undefined,
        redirect: "manual",
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(message.timeoutMs)]),
      });
      attempt.status = response.status;
      attempt.responseBody = await response.text();
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error);
    }
    return attempt;
  }

  function recordScheduleOutcome(message: StoredMessage) {
    const schedule = message.scheduleId ? schedules.get(message.scheduleId) : undefined;
    if (schedule && message.messageId in schedule.lastScheduleStates) {
      schedule.lastScheduleStates[message.messageId] = message.state === "DELIVERED" ? "SUCCESS" : "FAIL";
    }
  }

  function parseCron(text: string): { cron: string; tz: string } {
    const normalised = text.trim().replace(/\s+/g, " ");
    // QStash accepts a CRON_TZ=<zone> prefix; without one, cron is UTC.
    const zoned = /^CRON_TZ=(\S+) (.*)$/.exec(normalised);
    const tz = zoned?.[1] ?? "UTC";
    const fields = zoned?.[2] ?? normalised;
    // Five fields only: cron-parser would also take a sixth (seconds) field, QStash does not.
    if (fields.split(" ").length !== 5) throw new QStashError(400, `invalid cron: ${text}`);
    try {
      CronExpressionParser.parse(fields, { tz, strict: false });
    } catch (error) {
      throw new QStashError(400, `invalid cron: ${text}: ${(error as Error).message}`);
    }
    return { cron: normalised, tz };
  }

  /** The first occurrence strictly after `after`. */
  function nextOccurrence(schedule: StoredSchedule, after: number): number {
    const { cron, tz } = parseCron(schedule.cron);
    const fields = cron.replace(/^CRON_TZ=\S+ /, "");
    return CronExpressionParser.parse(fields, { tz, currentDate: new Date(after) }).next().getTime();
  }

  function createSchedule(destination: string, headers: Map<string, string>, body: Buffer, callerIp: string | undefined) {
    const cronText = headers.get("upstash-cron");
    if (!cronText) throw new QStashError(400, "Upstash-Cron header is required");
    const { cron } = parseCron(cronText);
    const spec = specFrom(destination, headers, body, callerIp);
    if (spec.notBeforeMs !== undefined) throw new QStashError(400, "Upstash-Not-Before is not allowed on schedules");
    const scheduleId = headers.get("upstash-schedule-id") ?? randomId("scd");
    const existing = schedules.get(scheduleId);
    const t = now();
    // An upsert replaces the definition; creation time and pause state belong to the schedule.
    const schedule: StoredSchedule = {
      scheduleId,
      cron,
      destination: spec.url,
      method: spec.method,
      header: spec.header,
      body: body.length ? body : undefined,
      retries: spec.retries,
      retryDelay: spec.retryDelay,
      delaySeconds: spec.delayMs === undefined ? undefined : Math.floor(spec.delayMs / 1000),
      timeoutMs: spec.timeoutMs,
      createdAt: existing?.createdAt ?? t,
      isPaused: existing?.isPaused ?? false,
      callerIp,
      label: spec.label,
      lastScheduleTime: existing?.lastScheduleTime,
      lastScheduleStates: existing?.lastScheduleStates ?? {},
    };
    schedule.nextScheduleTime = nextOccurrence(schedule, t);
    schedules.set(scheduleId, schedule);
    arm();
    return { scheduleId };
  }

  function fire(schedule: StoredSchedule, at: number): string {
    schedule.lastScheduleTime = at;
    schedule.lastScheduleStates = {};
    const spec: MessageSpec = {
      url: schedule.destination,
      method: schedule.method,
      header: schedule.header,
      body: schedule.body ?? Buffer.alloc(0),
      retries: schedule.retries,
      retryDelay: schedule.retryDelay,
      delayMs: schedule.delaySeconds === undefined ? undefined : schedule.delaySeconds * 1000,
      timeoutMs: schedule.timeoutMs,
      label: schedule.label,
      callerIp: schedule.callerIp,
    };
    return enqueue(spec, at, schedule).messageId;
  }

  function earliestDue(): number | undefined {
    let earliest: number | undefined;
    for (const m of messages.values()) if (m.state === "CREATED" && (earliest === undefined || m.notBefore < earliest)) earliest = m.notBefore;
    for (const s of schedules.values()) {
      if (!s.isPaused && s.nextScheduleTime !== undefined && (earliest === undefined || s.nextScheduleTime < earliest)) earliest = s.nextScheduleTime;
    }
    return earliest;
  }

  function runDue() {
    if (closed) return;
    const t = now();
    for (const schedule of schedules.values()) {
      // Each missed occurrence fires once, in order, as if time had passed normally.
      while (!schedule.isPaused && schedule.nextScheduleTime !== undefined && schedule.nextScheduleTime <= t) {
        const occurrence = schedule.nextScheduleTime;
        schedule.nextScheduleTime = nextOccurrence(schedule, occurrence);
        fire(schedule, occurrence);
      }
    }
    const due = [...messages.values()].filter((m) => m.state === "CREATED" && m.notBefore <= t);
    due.sort((a, b) => a.notBefore - b.notBefore);
    for (const message of due) dispatch(message);
    arm();
  }

  function arm() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!autoRun || closed) return;
    const next = earliestDue();
    if (next === undefined) return;
    timer = setTimeout(runDue, Math.min(MAX_TIMER_MS, Math.max(0, next - now())));
    timer.unref();
  }

  function advance(ms: number) {
    if (!(ms >= 0)) throw new Error("advance() takes a non-negative number of ms");
    // After close runDue() dispatches nothing, so the stepping loop below would never drain.
    if (closed) return;
    const target = now() + ms;
    for (;;) {
      const next = earliestDue();
      if (next === undefined || next > target) break;
      if (next > now()) offset += next - now();
      runDue();
    }
    if (target > now()) offset += target - now();
    runDue();
  }

  function scheduleJson(s: StoredSchedule) {
    return {
      scheduleId: s.scheduleId,
      cron: s.cron,
      createdAt: s.createdAt,
      destination: s.destination,
      method: s.method,
      header: headerArrays(s.header),
      ...bodyFields(s.body),
      retries: s.retries,
      ...(s.delaySeconds !== undefined ? { delay: s.delaySeconds } : {}),
      ...(s.retryDelay !== undefined ? { retryDelayExpression: s.retryDelay } : {}),
      ...(s.label !== undefined ? { label: s.label, labels: [s.label] } : {}),
      ...(s.callerIp !== undefined ? { callerIP: s.callerIp } : {}),
      isPaused: s.isPaused,
      ...(s.lastScheduleTime !== undefined ? { lastScheduleTime: s.lastScheduleTime } : {}),
      ...(s.nextScheduleTime !== undefined && !s.isPaused ? { nextScheduleTime: s.nextScheduleTime } : {}),
      lastScheduleStates: s.lastScheduleStates,
    };
  }

  function messageJson(m: StoredMessage) {
    return {
      messageId: m.messageId,
      url: m.url,
      method: m.method,
      header: headerArrays(m.header),
      ...bodyFields(m.body),
      maxRetries: m.maxRetries,
      ...(m.retryDelay !== undefined ? { retryDelayExpression: m.retryDelay } : {}),
      notBefore: m.notBefore,
      createdAt: m.createdAt,
      ...(m.scheduleId ? { scheduleId: m.scheduleId } : {}),
      ...(m.callerIp ? { callerIP: m.callerIp } : {}),
      ...(m.label !== undefined ? { label: m.label } : {}),
    };
  }

  function rotateSigningKeys() {
    keys.current = keys.next;
    keys.next = randomId("sig");
    return { ...keys };
  }

  function scheduleOr404(id: string): StoredSchedule {
    const schedule = schedules.get(decodeURIComponent(id));
    if (!schedule) throw new QStashError(404, `schedule ${id} not found`);
    return schedule;
  }

  async function route(req: IncomingMessage): Promise<{ status: number; json?: unknown }> {
    const method = req.method ?? "GET";
    const raw = req.url ?? "/";
    const body = await readBody(req);
    const headers = headerMap(req.headers);
    const callerIp = req.socket.remoteAddress;

    // The destination is the rest of the raw request target, its own query string included.
    if (method === "POST" && raw.startsWith("/v2/publish/")) {
      const spec = specFrom(raw.slice("/v2/publish/".length), headers, body, callerIp);
      const { messageId, deduplicated } = accept(spec);
      // 202 marks a duplicate, as QStash documents; the id is the first message's.
      return deduplicated ? { status: 202, json: { messageId, url: spec.url, deduplicated: true } } : { status: 201, json: { messageId, url: spec.url } };
    }
    if (method === "POST" && raw.startsWith("/v2/schedules/")) {
      return { status: 200, json: createSchedule(raw.slice("/v2/schedules/".length), headers, body, callerIp) };
    }

    const path = new URL(raw, "http://stand-in").pathname;
    if (method === "POST" && path === "/v2/batch") {
      let items: unknown;
      try {
        items = JSON.parse(body.toString("utf8"));
      } catch {
        throw new QStashError(400, "batch body must be a JSON array");
      }
      if (!Array.isArray(items)) throw new QStashError(400, "batch body must be a JSON array");
      // Validate every entry before accepting any, so a bad entry leaves nothing half-published.
      const specs = items.map((item: { destination?: unknown; headers?: Record<string, unknown>; body?: unknown; queue?: unknown }) => {
        if (item.queue !== undefined) throw new QStashError(400, "queues are not supported by the stand-in");
        return specFrom(String(item.destination ?? ""), headerMap(item.headers ?? {}), Buffer.from(typeof item.body === "string" ? item.body : ""), callerIp);
      });
      return {
        status: 201,
        json: specs.map((spec) => {
          const { messageId, deduplicated } = accept(spec);
          return { messageId, url: spec.url, ...(deduplicated ? { deduplicated: true } : {}) };
        }),
      };
    }
    if (method === "GET" && path === "/v2/schedules") {
      return { status: 200, json: [...schedules.values()].sort((a, b) => a.createdAt - b.createdAt).map(scheduleJson) };
    }
    let match = /^\/v2\/schedules\/([^/]+)$/.exec(path);
    if (match && method === "GET") return { status: 200, json: scheduleJson(scheduleOr404(match[1]!)) };
    if (match && method === "DELETE") {
      schedules.delete(scheduleOr404(match[1]!).scheduleId);
      arm();
      return { status: 200 };
    }
    match = /^\/v2\/schedules\/([^/]+)\/(pause|resume)$/.exec(path);
    if (match && method === "PATCH") {
      const schedule = scheduleOr404(match[1]!);
      const pausing = match[2] === "pause";
      // Occurrences that fell while paused are skipped: resuming looks forward from now.
      if (!pausing && schedule.isPaused) schedule.nextScheduleTime = nextOccurrence(schedule, now());
      schedule.isPaused = pausing;
      arm();
      return { status: 200 };
    }
    match = /^\/v2\/messages\/([^/]+)$/.exec(path);
    if (match) {
      const message = messages.get(decodeURIComponent(match[1]!));
      // Only messages still waiting or being retried are visible to the messages API.
      const pending = message && (message.state === "CREATED" || message.state === "ACTIVE" || message.state === "RETRY");
      if (!message || !pending) throw new QStashError(404, `message ${match[1]} not found`);
      if (method === "GET") return { status: 200, json: messageJson(message) };
      if (method === "DELETE") {
        message.state = "CANCELLED";
        sleepers.get(message.messageId)?.wake();
        arm();
        return { status: 200, json: { cancelled: 1 } };
      }
    }
    if (method === "GET" && path === "/v2/keys") return { status: 200, json: { ...keys } };
    if (method === "POST" && path === "/v2/keys/rotate") return { status: 200, json: rotateSigningKeys() };
    throw new QStashError(404, `${method} ${path} is not supported by the stand-in`);
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, json?: unknown) => {
      if (json === undefined) res.writeHead(status).end();
      else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      req.resume();
      return send(401, { error: "Unauthorized" });
    }
    route(req).then(
      ({ status, json }) => send(status, json),
      (error: unknown) => {
        if (error instanceof QStashError) send(error.status, { error: error.message });
        else send(500, { error: error instanceof Error ? error.message : String(error) });
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? "127.0.0.1";

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    deliveries,
    messages,
    schedules,
    now,
    advance,
    runDue,
    fireSchedule(scheduleId) {
      const schedule = schedules.get(scheduleId);
      if (!schedule) throw new Error(`no schedule ${scheduleId}`);
      return fire(schedule, now());
    },
    async settle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    signingKeys: () => ({ ...keys }),
    rotateSigningKeys,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      shutdown.abort();
      for (const sleeper of [...sleepers.values()]) sleeper.wake();
      await Promise.allSettled([...inflight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
