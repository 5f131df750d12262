/**
 * An event Stripe did not send, for tests and benchmarks of the webhook path: a
 * `customer.updated` naming `customer`, shaped as Stripe's events are. The app takes only the
 * customer id from an event and reads the rest from Stripe, so its content beyond that is moot.
 * Ids are distinct per call (a process-wide counter plus the time).
 */
import type Stripe from "stripe";

let seq = 0;

export function customerUpdatedEvent(customer: string, idPrefix = "evt_synthetic"): Stripe.Event {
  return {
    id: `${idPrefix}_${Date.now()}_${process.pid}_${seq++}`,
    object: "event",
    api_version: "2025-10-29.clover",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: customer, object: "customer" } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "customer.updated",
  } as unknown as Stripe.Event;
}
