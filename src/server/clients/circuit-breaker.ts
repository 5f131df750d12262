/**
 * A counter store that stops waiting on a Redis that does not answer: after a call fails for want
 * of Redis (a timeout, a closed or refused connection), every call fails at once for `openMs`,
 * then the next one tries Redis again. Callers that fail open (metering, the token cache) then
 * cost one timeout per outage window instead of one per call. A Redis reply error (a script's
 * `ERR …`) is an answer, not an outage, and leaves the circuit closed.
 */
import type { KeyValueStore } from "~/server/clients/key-value-store";

export class StoreUnavailableError extends Error {}

const isReplyError = (error: unknown) =>
  error instanceof Error && (error.name === "ReplyError" || /^(ERR|NOSCRIPT|WRONGTYPE|BUSY|NOPERM)\b/.test(error.message));

export function withCircuitBreaker(store: KeyValueStore, openMs = 5_000, now: () => number = Date.now): KeyValueStore {
  let openUntil = 0;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (now() < openUntil) throw new StoreUnavailableError("the counter store is not answering (circuit open)");
      try {
        return await call(...args);
      } catch (error) {
        if (!isReplyError(error)) openUntil = now() + openMs;
        throw error;
      }
    };
  return {
    kind: store.kind,
    ping: guard(() => store.ping()),
    get: guard((key: string) => store.get(key)),
    mget: guard((keys: string[]) => store.mget(keys)),
    hgetall: guard((key: string) => store.hgetall(key)),
    set: guard((key: string, value: string, ttl?: number) => store.set(key, value, ttl)),
    incrWithTtl: guard((key: string, by: number, ttl: number) => store.incrWithTtl(key, by, ttl)),
    del: guard((key: string) => store.del(key)),
    scan: guard((cursor: string, match: string, count: number) => store.scan(cursor, match, count)),
    run: guard((script, keys: string[], args: string[]) => store.run(script, keys, args)),
  };
}
