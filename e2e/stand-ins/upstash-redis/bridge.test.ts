import { randomUUID } from "node:crypto";
import { Redis, type RedisConfigNodejs } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashRedisBridge, type UpstashRedisBridge } from "./server";

// Everything positive goes through the official client, exactly as the app will call Upstash;
// raw fetch is only for requests the client would never send.
const TOKEN = "upstash-bridge-test-token";
// A logical database of its own: SCAN here walks this file's keys, not the whole run's counters.
const REDIS_URL = Object.assign(new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379"), { pathname: "/11" }).toString();
const prefix = `upstash-bridge-test:${randomUUID()}:`;
const key = (name: string) => prefix + name;

let bridge: UpstashRedisBridge;
/** The client's defaults: auto-pipelining, base64 responses, automatic deserialization. */
let redis: Redis;
const client = (options: Partial<RedisConfigNodejs> = {}) =>
  new Redis({ url: bridge.url, token: TOKEN, retry: false, enableTelemetry: false, ...options });

beforeAll(async () => {
  bridge = await startUpstashRedisBridge({ redisUrl: REDIS_URL, token: TOKEN });
  redis = client();
});

afterAll(async () => {
  if (!bridge) return;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: `${prefix}*`, count: 500 });
    if (keys.length) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== "0");
  await bridge.close();
});

describe("Upstash Redis REST bridge through @upstash/redis", () => {
  it("sets and gets values, with and without an expiry", async () => {
    expect(await redis.set(key("greeting"), "hello")).toBe("OK");
    expect(await redis.get(key("greeting"))).toBe("hello");
    expect(await redis.get(key("missing"))).toBeNull();

    expect(await redis.set(key("session"), "s1", { ex: 100 })).toBe("OK");
    expect(await redis.get(key("session"))).toBe("s1");
    const ttl = await redis.ttl(key("session"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it("counts with incrby and expires keys", async () => {
    expect(await redis.incrby(key("counter"), 5)).toBe(5);
    expect(await redis.incrby(key("counter"), -2)).toBe(3);
    expect(await redis.ttl(key("counter"))).toBe(-1);
    expect(await redis.expire(key("counter"), 60)).toBe(1);
    const ttl = await redis.ttl(key("counter"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await redis.expire(key("missing"), 60)).toBe(0);
    expect(await redis.ttl(key("missing"))).toBe(-2);
  });

  it("reads several keys with mget, nulls in place of missing ones", async () => {
    await Promise.all([redis.set(key("m1"), "one"), redis.set(key("m2"), "OK")]);
    // "OK" nested in an array must be base64 like every other string: the client decodes all of them.
    expect(await redis.mget(key("m1"), key("m-missing"), key("m2"))).toEqual(["one", null, "OK"]);
  });

  it("scans with a match pattern across several cursors", async () => {
    const wanted = ["a", "b", "c", "d", "e"].map((n) => key(`scan:${n}`));
    await Promise.all([...wanted, key("scan-decoy")].map((k) => redis.set(k, 1)));
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, { match: key("scan:*"), count: 2 });
      found.push(...keys);
      cursor = String(next);
    } while (cursor !== "0");
    expect([...new Set(found)].sort()).toEqual(wanted.sort());
  });

  it("deletes keys", async () => {
    await Promise.all([redis.set(key("d1"), "x"), redis.set(key("d2"), "y")]);
    expect(await redis.del(key("d1"), key("d2"), key("d-missing"))).toBe(2);
    expect(await redis.exists(key("d1"), key("d2"))).toBe(0);
  });

  it("runs Lua with eval, script load + evalsha, and createScript's NOSCRIPT fallback", async () => {
    expect(await redis.eval("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}", [key("lua")], ["x", 41])).toEqual([key("lua"), "x", 42]);
    // A status reply inside an array is encoded like any string.
    expect(await redis.eval("return {redis.call('SET', KEYS[1], 'v'), 'OK'}", [key("lua")], [])).toEqual(["OK", "OK"]);

    // The run's prefix in the script keeps its SHA unknown to Redis until this test loads it.
    const script = `-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
    const sha = await redis.scriptLoad(script);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, [key("lua-counter")], [7])).toBe(7);
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);

    const fresh = redis.createScript<string>(`-- ${prefix} fresh\nreturn ARGV[1] .. '!'`);
    expect(await fresh.exec([], ["hi"])).toBe("hi!");
  });

  it("runs pipeline(), each entry with its own result or error", async () => {
    const results = await redis
      .pipeline()
      .set(key("p-num"), 1)
      .incr(key("p-num"))
      .set(key("p-text"), "text")
      .incr(key("p-text"))
      .get(key("p-num"))
      .exec({ keepErrors: true });
    expect(results.map((r) => r.result)).toEqual(["OK", 2, "OK", undefined, 2]);
    expect(results[3]!.error).toContain("ERR value is not an integer or out of range");

    await expect(redis.pipeline().get(key("p-num")).incr(key("p-text")).exec()).rejects.toThrow(
      /Command 2 \[ incr \] failed: ERR value is not an integer or out of range/,
    );
  });

  it("runs multi() atomically", async () => {
    expect(await redis.multi().set(key("tx"), "a").append(key("tx"), "b").get(key("tx")).exec()).toEqual(["OK", 2, "ab"]);

    // A command Redis refuses to queue (MSET without arguments) discards the whole transaction:
    // the SET before it must not have happened.
    await expect(redis.multi().set(key("tx-aborted"), "v").mset({}).exec()).rejects.toThrow(/EXECABORT.*wrong number of arguments/);
    expect(await redis.exists(key("tx-aborted"))).toBe(0);

    // As in Redis, a command failing at run time does not stop the others.
    const results = await redis.multi().set(key("tx-text"), "text").incr(key("tx-text")).get(key("tx-text")).exec({ keepErrors: true });
    expect(results.map((r) => r.result)).toEqual(["OK", undefined, "text"]);
    expect(results[1]!.error).toContain("ERR value is not an integer or out of range");
  });

  it("returns Redis' flat RESP2 shapes that the client turns into objects and scored members", async () => {
    await redis.hset(key("hash"), { name: "Ada", visits: 3 });
    expect(await redis.hgetall(key("hash"))).toEqual({ name: "Ada", visits: 3 });
    await redis.zadd(key("zset"), { score: 2, member: "b" }, { score: 1, member: "a" });
    expect(await redis.zrange(key("zset"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2]);
  });

  const awkward = [
    "plain",
    "",
    "héllo wörld — ✓ 日本語 עברית",
    "\u0000start\u0000middle\u0000",
    "😀🎉👩‍👩‍👧 flags 🇺🇦",
    '{"a":1,"b":[true,null]}',
    '"quoted"',
    "123",
    "-0",
    "007",
    "1e3",
    "12345678901234567890",
    "true",
    "null",
    "OK",
    "T0s=",
    "\r\n*1\r\n$4\r\nPING\r\n",
    "  padded\ttab\n",
  ];

  it.each([
    ["base64 responses (the client's default)", {}],
    ["plain JSON responses", { responseEncoding: false as const }],
  ])("round-trips binary-unsafe and unicode values byte-exactly with %s", async (label, options) => {
    const raw = client({ ...options, automaticDeserialization: false });
    const keys = awkward.map((_, i) => key(`awkward:${label}:${i}:ключ 🔑`));
    await Promise.all(awkward.map((value, i) => raw.set(keys[i]!, value)));
    for (const [i, value] of awkward.entries()) {
      expect(await raw.get(keys[i]!)).toBe(value);
      // Redis holds exactly the UTF-8 bytes of the string: nothing was re-encoded on the way.
      expect(await raw.strlen(keys[i]!)).toBe(Buffer.byteLength(value, "utf8"));
    }
    expect(await raw.mget(...keys)).toEqual(awkward);
    const [, scanned] = await raw.scan("0", { match: key(`awkward:${label}:0:*`), count: 1000 });
    expect(scanned).toEqual([keys[0]]);
  });

  it("deserializes JSON automatically, and leaves strings alone when that is off", async () => {
    await redis.set(key("json"), { plan: "pro", seats: [1, 2] });
    await redis.set(key("number"), "123");
    await redis.set(key("zero-padded"), "007");
    expect(await redis.get(key("json"))).toEqual({ plan: "pro", seats: [1, 2] });
    expect(await redis.get(key("number"))).toBe(123);
    expect(await redis.get(key("zero-padded"))).toBe("007");

    const raw = client({ automaticDeserialization: false });
    expect(await raw.get(key("json"))).toBe('{"plan":"pro","seats":[1,2]}');
    expect(await raw.get(key("number"))).toBe("123");
  });

  it("surfaces a Redis error reply as the client's error, pipelined or not", async () => {
    await redis.set(key("not-a-number"), "abc");
    await expect(redis.incr(key("not-a-number"))).rejects.toThrow("ERR value is not an integer or out of range");
    const direct = client({ enableAutoPipelining: false });
    await expect(direct.incr(key("not-a-number"))).rejects.toThrow("ERR value is not an integer or out of range");
  });
});

describe("Upstash Redis REST bridge: requests the client would not send", () => {
  const post = (path: string, body: string, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) =>
    fetch(bridge.url + path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

  it("answers a missing or wrong token with 401", async () => {
    for (const headers of [{}, { Authorization: "Bearer wrong-token" }, { Authorization: TOKEN }] as Record<string, string>[]) {
      const res = await post("/", '["GET","k"]', headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/\S/) });
    }
    expect((await fetch(`${bridge.url}/get/k?_token=wrong`)).status).toBe(401);
  });

  it("answers a malformed body with 400", async () => {
    for (const [path, body] of [
      ["/", "not json"],
      ["/", '{"command":"GET"}'],
      ["/", "[]"],
      ["/", '["SET",{"nested":true},"v"]'],
      ["/pipeline", '["GET","k"]'],
      ["/multi-exec", "[]"],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, `${path} ${body}`).toBe(400);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/\S/) });
    }
  });

  it("discards a whole transaction that Redis refuses to queue", async () => {
    const res = await post("/multi-exec", JSON.stringify([["SET", key("aborted"), "v"], ["NOSUCHCOMMAND"]]));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringContaining("EXECABORT") });
    expect(await redis.exists(key("aborted"))).toBe(0);
  });

  it("refuses blocking commands, which would stall a shared connection", async () => {
    const res = await post("/", JSON.stringify(["BLPOP", key("queue"), 0]));
    expect(res.status).toBe(400);
    expect((await res.json()) as { error: string }).toEqual({ error: expect.stringContaining("BLPOP") });
  });

  it("answers a path-form command's Redis error with 400", async () => {
    await redis.set(key("path-text"), "abc");
    const res = await fetch(`${bridge.url}/incr/${encodeURIComponent(key("path-text"))}?_token=${TOKEN}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR value is not an integer or out of range" });
    expect((await fetch(bridge.url, { method: "DELETE", headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });
});
