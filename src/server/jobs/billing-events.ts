/**
 * The drain: the backstop of webhook processing. Processing normally runs right after a delivery
 * is answered (billing-event-queue.ts); whatever that missed — the server died before it ran, a
 * sync failed and its backoff has come, a worker died holding a lease — is due here. Each call
 * works through due customers, longest-waiting first, a few at a time, within a time budget well
 * under a function's limit, and says whether more remain (its caller enqueues a continuation).
 */
import { dueCustomers, type ProcessOutcome, processCustomer, type Sync } from "~/server/billing/billing-event-queue";
import { logger } from "~/server/logger";

/** Customers synced at once: each sync makes a handful of Stripe calls; this bounds our share of its rate limit. */
export const DRAIN_CONCURRENCY = 4;
/** Time after which a drain call starts no new customer (the route may run 300 s; a sync a few). */
export const DRAIN_BUDGET_MS = 120_000;
const PAGE = 50;

export interface DrainResult {
  customers: number;
  processed: number;
  ignored: number;
  failed: number;
  /** Customers another worker was syncing (left to it). */
  busy: number;
  /** Customers whose processing threw (a database error): logged, left due for a later call. */
  errored: number;
  /** Due customers remained when the budget ran out. */
  more: boolean;
}

/** `only` limits the drain to these customers (tests: several Stripe stand-ins share one database). */
export async function drainBillingEvents(opts: { budgetMs?: number; concurrency?: number; sync?: Sync; only?: string[] } = {}): Promise<DrainResult> {
  const deadline = Date.now() + (opts.budgetMs ?? DRAIN_BUDGET_MS);
  const result: DrainResult = { customers: 0, processed: 0, ignored: 0, failed: 0, busy: 0, errored: 0, more: false };
  // A customer is started at most once per call: one that fails waits for its backoff, one that is
  // busy for its holder. Only started ones are skipped: a page entry the budget never reached is still due.
  const started: string[] = [];
  const count = (outcomes: ProcessOutcome[]) => {
    result.customers++;
    for (const o of outcomes) {
      if (o.status === "processed" || o.status === "ignored" || o.status === "failed") result[o.status] += o.events;
      if (o.status === "busy") result.busy++;
    }
  };
  const take = async (customerId: string) => {
    started.push(customerId);
    try {
      count(await processCustomer(customerId, { sync: opts.sync }));
    } catch (error) {
      // One customer's failure is not the call's: the others go on.
      result.errored++;
      logger.error("billing events: draining a customer failed; a later call retries it", { customerId, error });
    }
  };
  while (true) {
    if (Date.now() >= deadline) {
      result.more = (await dueCustomers(1, started, opts.only)).length > 0;
      return result;
    }
    const page = await dueCustomers(PAGE, started, opts.only);
    if (!page.length) return result;
    let next = 0;
    const worker = async () => {
      while (next < page.length && Date.now() < deadline) await take(page[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? DRAIN_CONCURRENCY, page.length) }, worker));
  }
}
