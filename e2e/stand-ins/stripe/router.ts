import type { EventBus } from "./events";
import type { Store, StripeObject } from "./store";

export interface RouteContext {
  store: Store;
  params: Record<string, unknown>;
  match: RegExpExecArray;
  bus: EventBus;
  /** Emits `type` for `object`, tagged with this API request like Stripe does. */
  emit(type: string, object: StripeObject, previous?: Record<string, unknown>): void;
}

export type Route = [method: string, path: RegExp, handler: (ctx: RouteContext) => unknown];
