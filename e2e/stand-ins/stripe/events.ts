import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Store, StripeObject } from "./store";

export const API_VERSION = "2026-10-28.endive";

export interface Endpoint {
  id: string;
  url: string;
  secret: string;
  enabledEvents: string[];
}

/** One event on its way to one endpoint. */
export interface Delivery {
  event: string;
  endpoint: string;
}

export interface DeliveryOptions {
  /** First retry delay in ms; each next one doubles. Stripe waits hours; tests want milliseconds. */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** Chaos: deliver some events twice and in shuffled order. */
  chaos?: boolean;
  /** Source of chaos decisions; a seeded one makes a chaotic run repeatable. Default Math.random. */
  random?: () => number;
}

/** `Stripe-Signature` exactly as Stripe makes it: HMAC-SHA256 of `${t}.${payload}` with the secret. */
export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/** Top-level fields whose values differ, with their old values: Stripe's `previous_attributes`. */
export function previousAttributes(before: StripeObject, after: StripeObject) {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = before[key] ?? null;
  }
  return out;
}

export class EventBus {
  readonly endpoints: Endpoint[] = [];
  private readonly pending = new Map<Promise<void>, Delivery>();
  /** Deliveries that stop() cut short: still owed to their endpoint. */
  private readonly interrupted: Delivery[] = [];
  private readonly stopping = new AbortController();
  /** Called whenever a delivery ends, delivered or given up (persistence.ts saves then). */
  onSettled?: () => void;

  constructor(
    private readonly store: Store,
    private readonly options: DeliveryOptions = {},
  ) {}

  emit(
    type: string,
    object: StripeObject,
    extra: { previous?: Record<string, unknown>; request?: { id: string | null; idempotency_key: string | null } } = {},
  ) {
    const event = this.store.insert("event", {
      id: this.store.id("evt"),
      object: "event",
      api_version: API_VERSION,
      created: this.store.now(),
      data: { object: structuredClone(object), ...(extra.previous ? { previous_attributes: extra.previous } : {}) },
      livemode: false,
      pending_webhooks: 0,
      request: extra.request ?? { id: null, idempotency_key: null },
      type,
    });
    for (const endpoint of this.endpoints) {
      if (!endpoint.enabledEvents.includes("*") && !endpoint.enabledEvents.includes(type)) continue;
      (event.pending_webhooks as number)++;
      const random = this.options.random ?? Math.random;
      const copies = this.options.chaos && random() < 0.5 ? 2 : 1;
      for (let i = 0; i < copies; i++) this.track(endpoint, event, this.options.chaos ? random() * 50 : 0);
    }
    return event;
  }

  /** Resolves when every delivery started so far has succeeded or given up. */
  async settle() {
    while (this.pending.size) await Promise.all([...this.pending.keys()]);
  }

  /** The deliveries not finished yet: what a restart must take up again. */
  deliveries(): Delivery[] {
    return [...this.pending.values(), ...this.interrupted];
  }

  /** Takes up deliveries saved before a restart; one whose event or endpoint is gone is dropped. */
  resume(deliveries: Delivery[]) {
    for (const delivery of deliveries) {
      const event = this.store.table("event").get(delivery.event);
      const endpoint = this.endpoints.find((e) => e.id === delivery.endpoint);
      if (event && endpoint) this.track(endpoint, event, 0);
    }
  }

  /** Ends every delivery loop (the stand-in is closing); deliveries() keeps listing the unfinished. */
  stop() {
    this.stopping.abort();
  }

  private track(endpoint: Endpoint, event: StripeObject, delayMs: number) {
    const delivery = { event: event.id, endpoint: endpoint.id };
    const p = this.deliver(endpoint, event, delayMs).then((ended) => void (ended || this.interrupted.push(delivery)));
    this.pending.set(p, delivery);
    void p.finally(() => {
      this.pending.delete(p);
      if (!this.stopping.signal.aborted) this.onSettled?.();
    });
  }

  /** True once delivered or given up; false when stop() cut it short. */
  private async deliver(endpoint: Endpoint, event: StripeObject, delayMs: number): Promise<boolean> {
    const payload = JSON.stringify(event, null, 2);
    const base = this.options.retryBaseMs ?? 1000;
    const max = this.options.maxAttempts ?? 8;
    const { signal } = this.stopping;
    // A wait cut short by stop() ends the delivery; it stays unfinished for the next start.
    const wait = (ms: number) => sleep(ms, true, { signal }).catch(() => false);
    if (delayMs && !(await wait(delayMs))) return false;
    for (let attempt = 1; attempt <= max; attempt++) {
      if (signal.aborted) return false;
      try {
        const res = await fetch(endpoint.url, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "stripe-signature": signPayload(payload, endpoint.secret),
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          },
          body: payload,
          signal,
        });
        if (res.ok) {
          (event.pending_webhooks as number)--;
          return true;
        }
      } catch {
        // Unreachable endpoint (or the fetch stop() aborted): retried like a non-2xx answer.
      }
      if (attempt < max && !(await wait(base * 2 ** (attempt - 1)))) return false;
    }
    return !signal.aborted;
  }
}
