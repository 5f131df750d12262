import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Whether the current code runs inside an interactive database transaction (`db.$transaction(fn)`),
 * for guards of what must never happen there: a network call (Stripe) would hold the
 * transaction's connection, and its locks, for as long as the other side takes to answer.
 */
const scope = new AsyncLocalStorage<true>();

export const inDatabaseTransaction = () => scope.getStore() === true;

type TransactionFn = (...args: never[]) => unknown;

/** Makes every interactive transaction of `client` run inside the scope; the batch form is unchanged. */
export function scopeInteractiveTransactions<C extends { $transaction: TransactionFn }>(client: C): C {
  const original = client.$transaction.bind(client) as (...args: unknown[]) => unknown;
  const scoped = (...args: unknown[]) => (typeof args[0] === "function" ? scope.run(true, () => original(...args)) : original(...args));
  Object.defineProperty(client, "$transaction", { value: scoped, configurable: true, writable: true });
  return client;
}
