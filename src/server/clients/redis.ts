import { Redis as UpstashRedis } from "@upstash/redis";
import IORedis from "ioredis";
import { env } from "~/env";
import { logger } from "~/server/logger";
import { memoryStore, type KeyValueStore } from "~/server/clients/key-value-store";

export type { KeyValueStore };

// INCRBY and a first-time EXPIRE in one round trip and atomically.
const INCR_WITH_TTL = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v`;

function upstashStore(url: string, token: string): KeyValueStore {
  const client = new UpstashRedis({ url, token, automaticDeserialization: false });
  return {
    kind: "upstash",
    ping: () => client.ping(),
    get: (key) => client.get<string>(key),
    async set(key, value, ttl) {
      await (ttl ? client.set(key, value, { ex: ttl }) : client.set(key, value));
    },
    async incrWithTtl(key, by, ttl) {
      return Number(await client.eval(INCR_WITH_TTL, [key], [String(by), String(ttl)]));
    },
    async del(key) {
      await client.del(key);
    },
  };
}

function redisStore(url: string): KeyValueStore {
  const client = new IORedis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  client.on("error", () => {
    // Connection errors surface on the failing command; the default handler would log the URL.
  });
  return {
    kind: "redis",
    ping: () => client.ping(),
    get: (key) => client.get(key),
    async set(key, value, ttl) {
      await (ttl ? client.set(key, value, "EX", ttl) : client.set(key, value));
    },
    async incrWithTtl(key, by, ttl) {
      return Number(await client.eval(INCR_WITH_TTL, 1, key, by, ttl));
    },
    async del(key) {
      await client.del(key);
    },
  };
}

function createStore(): KeyValueStore {
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return upstashStore(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN);
  }
  if (env.REDIS_URL) return redisStore(env.REDIS_URL);
  if (env.NODE_ENV === "production") {
    logger.warn("no REDIS_URL or Upstash configured: counters are per process and lost on restart");
  }
  return memoryStore();
}

const globalForStore = globalThis as unknown as { kvStore?: KeyValueStore };
export const kv: KeyValueStore = globalForStore.kvStore ?? createStore();
globalForStore.kvStore = kv;
