/**
 * The one metering function: check and record in one round trip (meter-script.ts), for every
 * back end of the counter store. `consume` refuses with the guide's 402 when the amount would
 * pass the limit and records nothing; `reserve` holds an estimate before an expensive call whose
 * cost is known only afterwards, and `settle` / `release` correct it. A counter Redis no longer
 * has is seeded from the last flush (never reset to 0); a limit not cached is computed once a
 * minute. When Redis is unreachable, metering fails open against PostgreSQL (fallback.ts).
 */
import { kv } from "~/server/clients/redis";
import { randomUUID } from "node:crypto";
import { logger } from "~/server/logger";
import { recordCrossings } from "~/server/usage/alerts";
import { dailyKey, limitKey, OP_MARK_TTL_SECONDS, opKey, USAGE_TTL_SECONDS, usageKey, type MeteredMetric } from "~/server/usage/keys";
import { cacheLimit, decodeLimit } from "~/server/usage/limits";
import { METER_SCRIPT, meterReply, type MeterReply } from "~/server/usage/meter-script";
import { flushedUsage, recordInPostgres } from "~/server/usage/fallback";
import { dayOf, monthOf } from "~/server/usage/periods";
import { quotaExceeded } from "~/server/usage/quota";

export interface Metered {
  /** The month's total after this call. */
  current: number;
  /** null: unlimited. */
  limit: number | null;
}

type Settled = Exclude<MeterReply, { kind: "seed" } | { kind: "limit" }>;

/** The store failed (Redis unreachable): the caller falls back to PostgreSQL. */
class StoreUnavailable extends Error {}

async function runScript(keys: string[], args: string[]) {
  try {
    return meterReply(await kv.run(METER_SCRIPT, keys, args));
  } catch (error) {
    throw new StoreUnavailable("the counter store did not answer", { cause: error });
  }
}

/**
 * One computation per key at a time in this process: a burst of first requests of the month (or
 * after the limit cache expired) reads PostgreSQL once, not once per request.
 */
const inFlight = new Map<string, Promise<string>>();
function once(key: string, compute: () => Promise<string>) {
  let pending = inFlight.get(key);
  if (!pending) {
    pending = compute().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

/** Runs the script, answering its requests for a seed or a limit from PostgreSQL (at most once each). */
async function meter(organizationId: string, metric: MeteredMetric, amount: number, opts: { enforce: boolean; now: Date; opId: string }) {
  const period = monthOf(opts.now);
  const keys = [usageKey(organizationId, metric, period), dailyKey(organizationId, metric, period), limitKey(organizationId, metric, period), opKey(opts.opId)];
  let seed = "";
  let limit = "";
  for (;;) {
    const args = [String(amount), dayOf(opts.now), String(USAGE_TTL_SECONDS), seed, opts.enforce ? "1" : "0", limit, String(OP_MARK_TTL_SECONDS)];
    const reply = await runScript(keys, args);
    if (reply.kind === "seed" && !seed) seed = await once(`seed:${keys[0]}`, async () => String(await flushedUsage(organizationId, metric, period)));
    else if (reply.kind === "limit" && !limit) limit = await once(`limit:${keys[2]}`, () => cacheLimit(organizationId, metric, opts.now));
    else if (reply.kind === "seed" || reply.kind === "limit") throw new Error(`usage: the meter script asked for its ${reply.kind} twice`);
    else return reply as Settled;
  }
}

/** The script's limit when a call that does not enforce found none given or cached. */
const UNKNOWN_LIMIT = -2;

/**
 * Records the 80 % / 100 % alerts a call that added usage crossed: the script's reply is the total
 * after the call, so the total before is that minus the amount, with no extra read. A call that
 * does not enforce may not know the limit (none cached): it is computed (and cached) then, only for
 * a positive amount. Never throws: an alert is not worth failing the usage it describes.
 */
async function noteCrossings(organizationId: string, metric: MeteredMetric, amount: number, now: Date, reply: Settled) {
  if (reply.kind !== "ok" || amount <= 0 || reply.limit === -1) return;
  try {
    const period = monthOf(now);
    const { limit, limitType } =
      reply.limit === UNKNOWN_LIMIT
        ? decodeLimit(await once(`limit:${limitKey(organizationId, metric, period)}`, () => cacheLimit(organizationId, metric, now)))
        : reply;
    await recordCrossings(organizationId, metric, period, { before: reply.current - amount, after: reply.current, limit: limit >= 0 ? limit : null, limitType });
  } catch (error) {
    logger.error("usage: could not check a usage alert", { organizationId, metric, error });
  }
}

async function record(organizationId: string, metric: MeteredMetric, amount: number, opts: { enforce: boolean; now?: Date }): Promise<Metered> {
  const now = opts.now ?? new Date();
  // The call's id: if Redis applies it after we gave up waiting, the fallback row's replay is a no-op.
  const opId = randomUUID();
  try {
    const reply = await meter(organizationId, metric, amount, { enforce: opts.enforce, now, opId });
    if (reply.kind === "refused") throw quotaExceeded(metric, reply.current, reply.limit, now, reply.limitType);
    await noteCrossings(organizationId, metric, amount, now, reply);
    return { current: reply.current, limit: "limit" in reply && reply.limit >= 0 ? reply.limit : null };
  } catch (error) {
    if (!(error instanceof StoreUnavailable)) throw error;
    return recordInPostgres(organizationId, metric, amount, { enforce: opts.enforce, now, opId, cause: error.cause });
  }
}

/** Adds `amount` unless it would pass the limit in force (then 402, nothing recorded). Unlimited plans always count. */
export function consume(organizationId: string, metric: MeteredMetric, amount: number, now?: Date) {
  return record(organizationId, metric, amount, { enforce: true, now });
}

/** Adds `amount` whatever the limit: usage that already happened (a model's reported tokens). */
export function recordUsage(organizationId: string, metric: MeteredMetric, amount: number, now?: Date) {
  return record(organizationId, metric, amount, { enforce: false, now });
}

export interface Reservation {
  readonly estimate: number;
  /** Corrects the estimate to what was used (may be more than the estimate). */
  settle(actual: number): Promise<Metered>;
  /** Gives the estimate back (the call failed; nothing is charged). */
  release(): Promise<void>;
}

/**
 * Holds `estimate` against the limit before an expensive call (402 when it does not fit); the
 * reservation is settled to the call's real cost or released. Settling or releasing twice has no
 * second effect. The month is the reservation's, so a call across midnight UTC settles there.
 */
export async function reserve(organizationId: string, metric: MeteredMetric, estimate: number, now = new Date()): Promise<Reservation> {
  const held = await record(organizationId, metric, estimate, { enforce: true, now });
  let open = true;
  const close = () => {
    const first = open;
    open = false;
    return first;
  };
  return {
    estimate,
    async settle(actual) {
      if (!close()) return held;
      return recordUsage(organizationId, metric, actual - estimate, now);
    },
    async release() {
      if (close()) await recordUsage(organizationId, metric, -estimate, now);
    },
  };
}

/**
 * Adds a PostgreSQL fallback row to its Redis counter once: the row's id is the id of the call
 * that timed out, so whether Redis applied that call late or the replay ran before, it counts once.
 */
export async function replayIntoRedis(row: { id: string; organizationId: string; metric: string; period: string; day: string; quantity: bigint }) {
  const now = new Date(`${row.period}-${row.day}T12:00:00Z`);
  const metric = row.metric as MeteredMetric;
  const reply = await meter(row.organizationId, metric, Number(row.quantity), { enforce: false, now, opId: row.id });
  // A replayed row that crosses a threshold in Redis records it (once: the fallback may have already).
  await noteCrossings(row.organizationId, metric, Number(row.quantity), now, reply);
  return reply.kind === "ok" ? "added" : "already_added";
}
