/**
 * The counter store used for metering and rate limits. Three back ends behind one small
 * interface: Upstash's REST API (Vercel), a plain Redis server (`REDIS_URL`, self-hosting), or an
 * in-process map when neither is configured (single-process development only).
 */
export interface KeyValueStore {
  readonly kind: "upstash" | "redis" | "memory";
  ping(): Promise<string>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Adds `by` and returns the new value; sets the TTL only when the key is new. */
  incrWithTtl(key: string, by: number, ttlSeconds: number): Promise<number>;
  del(key: string): Promise<void>;
}

export function memoryStore(now: () => number = Date.now): KeyValueStore {
  const data = new Map<string, { value: string; expiresAt: number | null }>();
  const read = (key: string) => {
    const entry = data.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
      data.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    kind: "memory",
    ping: async () => "PONG",
    get: async (key) => read(key)?.value ?? null,
    async set(key, value, ttl) {
      data.set(key, { value, expiresAt: ttl ? now() + ttl * 1000 : null });
    },
    async incrWithTtl(key, by, ttl) {
      const entry = read(key);
      const value = Number(entry?.value ?? 0) + by;
      data.set(key, { value: String(value), expiresAt: entry ? entry.expiresAt : now() + ttl * 1000 });
      return value;
    },
    async del(key) {
      data.delete(key);
    },
  };
}
