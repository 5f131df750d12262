import { afterAll, beforeAll } from "vitest";
import { startUpstashRedisBridge, type UpstashRedisBridge } from "../../e2e/stand-ins/upstash-redis/server";
import { env } from "~/env";
import { memoryStore, type KeyValueStore } from "~/server/clients/key-value-store";
import { createStore } from "~/server/clients/redis";

/**
 * The counter store's three back ends by name, for `describe.each(Object.keys(stores))`: a script
 * must behave alike in process (its TS twin), on Redis (Lua through ioredis) and on Upstash (Lua
 * through @upstash/redis, here over the local REST bridge to the run's Redis). Call at the top of
 * a test file: it starts the bridge before the file's tests and stops it after.
 */
export function storesUnderTest(): Record<string, () => KeyValueStore> {
  const redisUrl = env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const token = "stores-under-test-token";
  let bridge: UpstashRedisBridge;
  beforeAll(async () => {
    bridge = await startUpstashRedisBridge({ redisUrl, token });
  });
  afterAll(() => bridge.close());
  return {
    "in process": () => memoryStore(),
    "Redis (ioredis)": () => createStore({ redisUrl }),
    "Upstash (@upstash/redis over REST)": () => createStore({ upstashUrl: bridge.url, upstashToken: token }),
  };
}
