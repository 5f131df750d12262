/**
 * A local Upstash Redis REST endpoint backed by a real Redis. The official `@upstash/redis`
 * client drives it unchanged: `new Redis({ url: bridge.url, token })`.
 *
 * Wire format (upstash.com/docs/redis/features/restapi, and what @upstash/redis 1.39 sends):
 * - `POST /` with a JSON array `["SET","k","v","EX",100]`; `/set/k/v?EX=100` path form, where a
 *   POST body is appended as the last argument before the query parameters.
 * - `POST /pipeline` and `POST /multi-exec` with an array of commands, answered by an array of
 *   `{result}` | `{error}` in the same order. A transaction that Redis discards as a whole
 *   (EXECABORT) is one top-level 400 `{error}`.
 * - `Authorization: Bearer <token>` or `?_token=`; otherwise 401.
 * - A single command's Redis error reply is 400 `{error}`; success is 200 `{result}`.
 * - `Upstash-Encoding: base64`: every string in a result is base64 of its raw bytes, except a
 *   top-level `"OK"` (as Upstash documents); numbers, nulls and errors are left as they are.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";

export interface UpstashRedisBridgeOptions {
  redisUrl: string;
  token: string;
  port?: number;
  host?: string;
  /** Redis connections shared by all requests. */
  poolSize?: number;
}

export interface UpstashRedisBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Json = string | number | null | Json[];
type Entry = { result: Json } | { error: string };

class BadRequest extends Error {}

/**
 * Commands that would change or stall a pooled connection for every other request on it
 * (connection state, pub/sub, blocking reads). Upstash's REST API refuses them as well.
 */
const REFUSED = new Set(
  "select multi exec discard watch unwatch quit reset hello auth client subscribe psubscribe ssubscribe unsubscribe punsubscribe sunsubscribe monitor blpop brpop brpoplpush blmove blmpop bzpopmin bzpopmax bzmpop wait waitaof".split(" "),
);

function refusal(args: Buffer[]): string | undefined {
  const name = args[0]!.toString("utf8").toLowerCase();
  const blockingRead = (name === "xread" || name === "xreadgroup") && args.some((a) => a.toString("utf8").toUpperCase() === "BLOCK");
  if (REFUSED.has(name) || blockingRead) return `ERR command not supported by the Upstash REST bridge: ${name.toUpperCase()}`;
}

/** JSON numbers and booleans are stringified as Upstash does; anything else is a malformed command. */
function toCommand(value: unknown): Buffer[] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest("ERR a command must be a non-empty JSON array");
  return value.map((arg) => {
    if (typeof arg === "string" || typeof arg === "number" || typeof arg === "boolean") return Buffer.from(String(arg), "utf8");
    throw new BadRequest("ERR command arguments must be strings, numbers or booleans");
  });
}

const OK = Buffer.from("OK");

/**
 * Maps a RESP2 reply (ioredis with Buffer replies: bulk and status strings are Buffers) to JSON.
 * Base64 keeps arbitrary bytes intact; plain mode decodes UTF-8 lossily, as Upstash does.
 */
function toJson(reply: unknown, base64: boolean, topLevel = true): Json {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (Buffer.isBuffer(reply)) {
    if (!base64 || (topLevel && reply.equals(OK))) return reply.toString("utf8");
    return reply.toString("base64");
  }
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64, false));
  // An error nested in an array (e.g. a Lua table holding an error reply) has no JSON form of its own.
  if (reply instanceof Error) return toJson(Buffer.from(reply.message, "utf8"), base64, false);
  return toJson(Buffer.from(String(reply), "utf8"), base64, false);
}

/**
 * Upper-case, because ioredis keys its reply transformers (e.g. HGETALL → object) on the
 * lower-case name, and the raw RESP2 shapes are what Upstash returns.
 */
const ioredisName = (name: Buffer) => name.toString("utf8").toUpperCase();

const isReplyError = (err: unknown): err is Error => err instanceof Error && err.name === "ReplyError";
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new BadRequest("ERR failed to parse the request body as JSON");
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startUpstashRedisBridge(options: UpstashRedisBridgeOptions): Promise<UpstashRedisBridge> {
  const { redisUrl, token, port = 0, host = "127.0.0.1", poolSize = 4 } = options;
  const tokenDigest = createHash("sha256").update(token).digest();
  const authorized = (candidate: string | null | undefined) =>
    candidate != null && timingSafeEqual(createHash("sha256").update(candidate).digest(), tokenDigest);

  // RESP2 is ioredis 5's default; the reply shapes above (flat HGETALL, WITHSCORES) rely on it.
  // A connection error also fails the commands sent on it, which answer for it; the listener only
  // keeps ioredis from reporting it as unhandled, and names the cause if startup fails.
  let lastError: unknown;
  const pool = Array.from({ length: poolSize }, () =>
    new Redis(redisUrl, { lazyConnect: true, connectionName: "upstash-rest-bridge" }).on("error", (err: unknown) => (lastError = err)),
  );
  try {
    await Promise.all(pool.map((connection) => connection.connect()));
  } catch (err) {
    pool.forEach((connection) => connection.disconnect());
    const cause = lastError ?? err;
    // The URL is left out: it may carry a password.
    throw new Error(`Upstash REST bridge: cannot connect to Redis: ${message(cause)}`, { cause });
  }
  let next = 0;
  const connection = () => pool[next++ % pool.length]!;

  const dispatch = (redis: Redis, [name, ...rest]: Buffer[]) => redis.callBuffer(ioredisName(name!), ...rest);

  /** All commands go to one connection without awaiting in between, so Redis runs them in request order. */
  function pipeline(commands: Buffer[][], base64: boolean): Promise<Entry[]> {
    const redis = connection();
    return Promise.all(
      commands.map((args) => {
        const refused = refusal(args);
        if (refused) return { error: refused };
        return dispatch(redis, args).then(
          (reply): Entry => ({ result: toJson(reply, base64) }),
          (err: unknown): Entry => ({ error: message(err) }),
        );
      }),
    );
  }

  /** ioredis' multi() writes MULTI, the commands and EXEC in one socket write, so nothing interleaves. */
  async function transaction(commands: Buffer[][], base64: boolean): Promise<Entry[]> {
    const refused = commands.map(refusal).find(Boolean);
    if (refused) throw new BadRequest(refused);
    const tx = connection().multi();
    for (const [name, ...rest] of commands) tx.callBuffer(ioredisName(name!), ...rest);
    let results: [Error | null, unknown?][] | null;
    try {
      results = await tx.exec();
    } catch (err) {
      if (!isReplyError(err)) throw err;
      const cause = (err as Error & { previousErrors?: Error[] }).previousErrors?.[0];
      throw new BadRequest(cause ? `${err.message} ${cause.message}` : err.message);
    }
    // EXEC answers nil only when a WATCHed key changed, and WATCH is refused above.
    if (!results) throw new BadRequest("EXECABORT Transaction aborted");
    return results.map(([err, reply]) => (err ? { error: err.message } : { result: toJson(reply, base64) }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://bridge");
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!authorized(bearer ?? url.searchParams.get("_token"))) return send(res, 401, { error: "WRONGPASS invalid or missing auth token" });
    if (!["GET", "HEAD", "POST", "PUT"].includes(req.method ?? "")) return send(res, 405, { error: "ERR method not allowed" });

    const base64 = String(req.headers["upstash-encoding"]).toLowerCase() === "base64";
    const body = await readBody(req);

    if (url.pathname === "/pipeline" || url.pathname === "/multi-exec") {
      const batch = parseJson(body);
      if (!Array.isArray(batch) || batch.length === 0) throw new BadRequest("ERR expected a non-empty JSON array of commands");
      const commands = batch.map(toCommand);
      return send(res, 200, url.pathname === "/pipeline" ? await pipeline(commands, base64) : await transaction(commands, base64));
    }

    let command: Buffer[];
    if (url.pathname === "/") {
      command = toCommand(parseJson(body));
    } else {
      const segments = url.pathname.split("/").filter(Boolean);
      command = segments.map((segment) => {
        try {
          return Buffer.from(decodeURIComponent(segment), "utf8");
        } catch {
          throw new BadRequest("ERR malformed URL path");
        }
      });
      if (body.length > 0) command.push(body);
      for (const [key, value] of url.searchParams) {
        if (key === "_token") continue;
        command.push(Buffer.from(key, "utf8"));
        if (value !== "") command.push(Buffer.from(value, "utf8"));
      }
    }
    const refused = refusal(command);
    if (refused) throw new BadRequest(refused);
    // A Redis error reply rejects with a ReplyError, which the request handler answers with 400.
    return send(res, 200, { result: toJson(await dispatch(connection(), command), base64) });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      // A BadRequest or a Redis error reply is the caller's fault; anything else (Redis unreachable) is ours.
      send(res, err instanceof BadRequest || isReplyError(err) ? 400 : 500, { error: message(err) });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
  } catch (err) {
    pool.forEach((connection) => connection.disconnect());
    throw err;
  }
  const bound = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    port: bound,
    async close() {
      // fetch keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await Promise.all(pool.map((connection) => connection.quit().catch(() => connection.disconnect())));
    },
  };
}
