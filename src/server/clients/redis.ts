import { Redis as UpstashRedis } from "@upstash/redis";
import IORedis from "ioredis";
import { env } from "~/env";
import { logger } from "~/server/logger";
import { withCircuitBreaker } from "~/server/clients/circuit-breaker";
import { memoryStore, type KeyValueStore, type StoreScript } from "~/server/clients/key-value-store";

export type { KeyValueStore, StoreScript };

// INCRBY and a first-time EXPIRE in one round trip and atomically.
const INCR_WITH_TTL: StoreScript = {
  lua: `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v`,
  local(ops, [key], [by, ttl]) {
    const value = ops.incrBy(key!, Number(by));
    if (ops.ttl(key!) < 0) ops.expire(key!, Number(ttl));
    return value;
  },
};

function upstashStore(url: string, token: string): KeyValueStore {
  const client = new UpstashRedis({ url, token, automaticDeserialization: false });
  // The SDK's Script runs EVALSHA and falls back to EVAL once when the server lacks the script.
  const scripts = new Map<StoreScript, ReturnType<typeof client.createScript>>();
  const scriptOf = (script: StoreScript) => scripts.get(script) ?? scripts.set(script, client.createScript(script.lua)).get(script)!;
  const store: KeyValueStore = {
    kind: "upstash",
    ping: () => client.ping(),
    get: (key) => client.get<string>(key),
    mget: async (keys) => (keys.length ? await client.mget<(string | null)[]>(...keys) : []),
    async hgetall(key) {
      // Without automatic deserialization the client hands back Redis's flat [field, value, …] reply.
      const flat = ((await client.hgetall(key)) ?? []) as unknown as string[] | Record<string, string>;
      if (!Array.isArray(flat)) return flat;
      return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, String(flat[i + 1])]])));
    },
    async set(key, value, ttl) {
      await (ttl ? client.set(key, value, { ex: ttl }) : client.set(key, value));
    },
    incrWithTtl: async (key, by, ttl) => Number(await store.run(INCR_WITH_TTL, [key], [String(by), String(ttl)])),
    async del(key) {
      await client.del(key);
    },
    async scan(cursor, match, count) {
      const [next, keys] = await client.scan(cursor, { match, count });
      return [String(next), keys];
    },
    run: (script, keys, args) => scriptOf(script).exec(keys, args),
  };
  return store;
}

function redisStore(url: string): KeyValueStore {
  // A command that gets no answer within 5 s fails, so callers can fail open instead of hanging.
  const client = new IORedis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false, commandTimeout: 5000 });
  client.on("error", () => {
    // Connection errors surface on the failing command; the default handler would log the URL.
  });
  // ioredis's defineCommand sends EVALSHA and falls back to EVAL when the server lacks the script.
  const names = new Map<StoreScript, string>();
  const commandOf = (script: StoreScript) => {
    let name = names.get(script);
    if (!name) {
      name = `vantflowScript${names.size}`;
      client.defineCommand(name, { lua: script.lua });
      names.set(script, name);
    }
    return name;
  };
  const store: KeyValueStore = {
    kind: "redis",
    ping: () => client.ping(),
    get: (key) => client.get(key),
    mget: async (keys) => (keys.length ? await client.mget(...keys) : []),
    hgetall: (key) => client.hgetall(key),
    async set(key, value, ttl) {
      await (ttl ? client.set(key, value, "EX", ttl) : client.set(key, value));
    },
    incrWithTtl: async (key, by, ttl) => Number(await store.run(INCR_WITH_TTL, [key], [String(by), String(ttl)])),
    async del(key) {
      await client.del(key);
    },
    scan: (cursor, match, count) => client.scan(cursor, "MATCH", match, "COUNT", count),
    run(script, keys, args) {
      const command = (client as unknown as Record<string, (n: number, ...rest: string[]) => Promise<unknown>>)[commandOf(script)]!;
      return command.call(client, keys.length, ...keys, ...args);
    },
  };
  return store;
}

/** The store the environment names; exported for tests that drive each back end. */
export function createStore(config: { upstashUrl?: string; upstashToken?: string; redisUrl?: string } = {}): KeyValueStore {
  const upstashUrl = config.upstashUrl ?? env.UPSTASH_REDIS_REST_URL;
  const upstashToken = config.upstashToken ?? env.UPSTASH_REDIS_REST_TOKEN;
  const redisUrl = config.redisUrl ?? env.REDIS_URL;
  if (upstashUrl && upstashToken) return withCircuitBreaker(upstashStore(upstashUrl, upstashToken));
  if (redisUrl) return withCircuitBreaker(redisStore(redisUrl));
  if (env.NODE_ENV === "production") {
    logger.warn("no REDIS_URL or Upstash configured: counters are per process and lost on restart");
  }
  return memoryStore();
}

const globalForStore = globalThis as unknown as { kvStore?: KeyValueStore };
export const kv: KeyValueStore = globalForStore.kvStore ?? createStore();
globalForStore.kvStore = kv;
