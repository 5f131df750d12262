/**
 * What the flush reads from the counter store: a batch of monthly counters and the instant their
 * values held, taken by Redis itself in the same atomic step (one round trip). That instant, not
 * the time the row is written, is what orders concurrent flushes (write-usage-records.ts).
 */
import type { KeyValueStore, StoreScript } from "~/server/clients/key-value-store";
import { parseUsageKey } from "~/server/usage/keys";

/** Keys per read: Lua's `unpack` is bounded by its C stack (8,000 values in Redis's Lua 5.1). */
export const MAX_SNAPSHOT_KEYS = 5000;

// TIME and MGET inside one script: no command runs between them, so the instant is exact for
// every value read, on one clock (Redis's) whichever app instance asks. MGET answers nil for a
// key gone or of another type.
const READ_WITH_TIME: StoreScript = {
  lua: `local t = redis.call('TIME')
return {t[1], t[2], redis.call('MGET', unpack(KEYS))}`,
  local(ops, keys) {
    const now = Date.now();
    return [String(Math.floor(now / 1000)), String((now % 1000) * 1000), keys.map((key) => ops.get(key))];
  },
};

export interface CounterSnapshot {
  /** Redis's clock when the values were read, to the millisecond (what PostgreSQL keeps). */
  readAt: Date;
  values: (string | null)[];
}

export async function readCounters(store: KeyValueStore, keys: string[]): Promise<CounterSnapshot> {
  if (keys.length === 0 || keys.length > MAX_SNAPSHOT_KEYS) throw new RangeError(`readCounters takes 1 to ${MAX_SNAPSHOT_KEYS} keys, got ${keys.length}`);
  const [seconds, micros, values] = (await store.run(READ_WITH_TIME, keys, [])) as [string | number, string | number, (string | null)[]];
  return { readAt: new Date(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)), values };
}

/** One counter as UsageRecord holds it; `quantity` is a decimal integer string (a BigInt column). */
export interface UsageRow {
  organizationId: string;
  metric: string;
  period: string;
  quantity: string;
}

/** The meter only writes non-negative integers that fit a BIGINT; anything else is not a counter of ours. */
const QUANTITY = /^\d{1,18}$/;

export type Counter = Omit<UsageRow, "quantity"> & { key: string };

/**
 * The counters of `periods` among `keys` (one SCAN step's). Keys that do not parse are counted
 * as malformed, those of other months as outside the window; neither is read.
 */
export function selectCounters(keys: string[], periods: readonly string[]) {
  const counters: Counter[] = [];
  let malformed = 0;
  let outsideWindow = 0;
  for (const key of keys) {
    const parsed = parseUsageKey(key);
    if (!parsed) malformed++;
    else if (!periods.includes(parsed.period)) outsideWindow++;
    else counters.push({ key, ...parsed });
  }
  return { counters, malformed, outsideWindow };
}

/**
 * Rows of the values read for `counters` (same order). A key that expired or was deleted since
 * the SCAN has no value and is left out; a value that is not a usage count is counted as invalid.
 */
export function rowsOf(counters: Counter[], values: (string | null)[]) {
  const rows: UsageRow[] = [];
  const invalid: string[] = [];
  counters.forEach(({ key, organizationId, metric, period }, i) => {
    const value = values[i];
    if (value === null || value === undefined) return;
    if (QUANTITY.test(value)) rows.push({ organizationId, metric, period, quantity: value });
    else invalid.push(key);
  });
  return { rows, invalid };
}
