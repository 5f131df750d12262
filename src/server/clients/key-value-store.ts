/**
 * The counter store used for metering and rate limits. Three back ends behind one small
 * interface: Upstash's REST API (Vercel), a plain Redis server (`REDIS_URL`, self-hosting), or an
 * in-process map when neither is configured (single-process development only).
 */

/** What a script may do to the in-process store: the Redis commands the scripts use. */
export interface LocalOps {
  get(key: string): string | null;
  set(key: string, value: string): void;
  incrBy(key: string, by: number): number;
  hincrBy(key: string, field: string, by: number): number;
  /** Seconds left; -1 without expiry, -2 missing (as Redis's TTL). */
  ttl(key: string): number;
  expire(key: string, seconds: number): void;
}

/**
 * A Lua script run atomically by Redis (EVALSHA, loaded on first use; EVAL when the server does
 * not have it), and the same logic for the in-process store, which has no Lua.
 */
export interface StoreScript {
  readonly lua: string;
  local(ops: LocalOps, keys: string[], args: string[]): unknown;
}

export interface KeyValueStore {
  readonly kind: "upstash" | "redis" | "memory";
  ping(): Promise<string>;
  get(key: string): Promise<string | null>;
  mget(keys: string[]): Promise<(string | null)[]>;
  hgetall(key: string): Promise<Record<string, string>>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Adds `by` and returns the new value; sets the TTL only when the key is new. */
  incrWithTtl(key: string, by: number, ttlSeconds: number): Promise<number>;
  del(key: string): Promise<void>;
  /** One SCAN step: the next cursor ("0" when done) and the keys matching `match`. */
  scan(cursor: string, match: string, count: number): Promise<[string, string[]]>;
  run(script: StoreScript, keys: string[], args: string[]): Promise<unknown>;
}

type Entry = { value: string | Map<string, string>; expiresAt: number | null };

/** Redis glob (`*`, `?`, `[0-9]`) as a regular expression, for the in-process SCAN. */
const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);

export function memoryStore(now: () => number = Date.now): KeyValueStore {
  const data = new Map<string, Entry>();
  const read = (key: string) => {
    const entry = data.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
      data.delete(key);
      return undefined;
    }
    return entry;
  };
  const str = (key: string) => {
    const value = read(key)?.value;
    return typeof value === "string" ? value : null;
  };
  const ops: LocalOps = {
    get: str,
    set: (key, value) => void data.set(key, { value, expiresAt: null }),
    incrBy(key, by) {
      const entry = read(key);
      const value = Number(typeof entry?.value === "string" ? entry.value : 0) + by;
      data.set(key, { value: String(value), expiresAt: entry?.expiresAt ?? null });
      return value;
    },
    hincrBy(key, field, by) {
      const entry = read(key);
      const hash = entry?.value instanceof Map ? entry.value : new Map<string, string>();
      const value = Number(hash.get(field) ?? 0) + by;
      hash.set(field, String(value));
      data.set(key, { value: hash, expiresAt: entry?.expiresAt ?? null });
      return value;
    },
    ttl(key) {
      const entry = read(key);
      if (!entry) return -2;
      return entry.expiresAt === null ? -1 : Math.ceil((entry.expiresAt - now()) / 1000);
    },
    expire(key, seconds) {
      const entry = read(key);
      if (entry) entry.expiresAt = now() + seconds * 1000;
    },
  };
  return {
    kind: "memory",
    ping: async () => "PONG",
    get: async (key) => str(key),
    mget: async (keys) => keys.map(str),
    async hgetall(key) {
      const value = read(key)?.value;
      return value instanceof Map ? Object.fromEntries(value) : {};
    },
    async set(key, value, ttl) {
      data.set(key, { value, expiresAt: ttl ? now() + ttl * 1000 : null });
    },
    async incrWithTtl(key, by, ttl) {
      const fresh = !read(key);
      const value = ops.incrBy(key, by);
      if (fresh) ops.expire(key, ttl);
      return value;
    },
    async del(key) {
      data.delete(key);
    },
    async scan(_cursor, match, _count) {
      const pattern = globToRegExp(match);
      return ["0", [...data.keys()].filter((key) => read(key) && pattern.test(key))];
    },
    run: async (script, keys, args) => script.local(ops, keys, args),
  };
}
