/**
 * The stand-in's state in one JSON file, so that a restart of `npm run dev` finds the customers,
 * subscriptions and invoices that the app's database still points to. Only with a path: tests
 * and e2e keep the in-memory default.
 *
 * What is kept: every object of every table with its sequence number (list order), the hidden
 * fields the resources keep off the wire (a checkout session's pending subscription, a
 * subscription's pending prorations, a card's number), Idempotency-Key replies (Stripe keeps them
 * 24 hours), and the webhook deliveries not finished yet, which resume at the next start. An
 * object held inside another (a price on a subscription item) stays the same object after a
 * restart. The file is written whole and atomically (a temp file renamed over it) after every
 * request that may change state, when a delivery ends, and on close; it is read once, at start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Delivery, EventBus } from "./events";
import { cardNumberOf, createCardPaymentMethod } from "./resources/payment-methods";
import { endpointOf } from "./resources/webhooks";
import { Store, type StripeObject } from "./store";

const VERSION = 1;

export type IdempotentReply = { fingerprint: string; status: number; body: string };

export interface StandInState {
  store: Store;
  bus: EventBus;
  idempotent: Map<string, IdempotentReply>;
}

type Hidden = Record<string, { value: unknown; writable: boolean; configurable: boolean }>;
interface SavedObject {
  kind: string;
  seq: number;
  object: StripeObject;
  hidden?: Hidden;
  /** A payment method's card number, which its resource keeps under a symbol of its own. */
  card?: string;
}
interface SavedState {
  version: typeof VERSION;
  objects: SavedObject[];
  idempotency: [string, IdempotentReply][];
  deliveries: Delivery[];
}
type Ref = { $ref: [kind: string, id: string] };

/** Non-enumerable string-keyed fields other than the store's own `__seq`. */
function hiddenOf(object: StripeObject): Hidden | undefined {
  const keys = Object.getOwnPropertyNames(object).filter((key) => key !== "__seq" && !Object.prototype.propertyIsEnumerable.call(object, key));
  if (!keys.length) return undefined;
  return Object.fromEntries(
    keys.map((key) => {
      const { value, writable = false, configurable = false } = Object.getOwnPropertyDescriptor(object, key)!;
      return [key, { value, writable, configurable }];
    }),
  );
}

function serialize({ store, idempotent }: StandInState, deliveries: Delivery[]) {
  const entries = store.entries();
  const refs = new Map<unknown, Ref>(entries.map(({ kind, object }) => [object, { $ref: [kind, object.id] }]));
  const saved = entries.map(({ kind, seq, object }): SavedObject => {
    const card = kind === "payment_method" ? cardNumberOf(object) : undefined;
    return { kind, seq, object, hidden: hiddenOf(object), ...(card ? { card } : {}) };
  });
  const roots = new Set<unknown>(saved);
  const state: SavedState = { version: VERSION, objects: saved, idempotency: [...idempotent], deliveries };
  // A stored object inside another is written as a reference, so it is one object again on load.
  return JSON.stringify(state, function (this: unknown, key, value: unknown) {
    return refs.has(value) && !(key === "object" && roots.has(this)) ? refs.get(value) : value;
  });
}

function restore(text: string, { store, bus, idempotent }: StandInState) {
  const state = JSON.parse(text) as SavedState;
  if (state.version !== VERSION) throw new Error(`unknown version ${String(state.version)}`);
  for (const { kind, seq, object } of state.objects) store.restore(kind, object, seq);
  const resolve = (value: unknown): unknown => {
    if (!value || typeof value !== "object") return value;
    const ref = (value as Partial<Ref>).$ref;
    if (ref) return store.get(ref[0], ref[1]);
    const fields = value as Record<string, unknown>;
    for (const key of Object.keys(fields)) fields[key] = resolve(fields[key]);
    return value;
  };
  for (const { object, hidden, card } of state.objects) {
    resolve(object);
    for (const [key, field] of Object.entries(hidden ?? {})) {
      Object.defineProperty(object, key, { value: resolve(field.value), writable: field.writable, configurable: field.configurable, enumerable: false });
    }
    if (card) {
      // The card number sits under a symbol private to its resource: a twin made there carries it.
      const twin = createCardPaymentMethod(new Store(), card, {}, object.id);
      for (const symbol of Object.getOwnPropertySymbols(twin)) Object.defineProperty(object, symbol, Object.getOwnPropertyDescriptor(twin, symbol)!);
    }
  }
  for (const [key, reply] of state.idempotency) idempotent.set(key, reply);
  for (const endpoint of store.table("webhook_endpoint").values()) if (!endpoint.deleted) bus.endpoints.push(endpointOf(endpoint));
  return state.deliveries;
}

/** Loads `path` into `state` (when it exists) and keeps it written from then on. */
export function persistState(path: string, state: StandInState) {
  let saved: Delivery[] = [];
  if (existsSync(path)) {
    try {
      saved = restore(readFileSync(path, "utf8"), state);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`The Stripe stand-in's state in ${path} cannot be read (${reason}); move it away, or start afresh with \`npm run dev -- --reset\`.`);
    }
  }
  const save = () => {
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, serialize(state, state.bus.deliveries()));
    renameSync(temp, path);
  };
  state.bus.onSettled = () => save();
  return {
    save,
    /** Once the stand-in listens: the deliveries that were under way when it last stopped. */
    resume: () => state.bus.resume(saved),
    /** Stops the deliveries and writes the state with the ones still under way. */
    close: () => {
      state.bus.stop();
      save();
    },
  };
}
