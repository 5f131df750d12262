import { invalid } from "../errors";
import { previousAttributes } from "../events";
import type { Store, StripeObject } from "../store";
import type { Route } from "../router";
import { cancelNow, createTestClock, customerNow } from "./billing";
import { createdFilter, matching, mergeMetadata, str, type Params } from "./params";

export function customerObject(store: Store, p: Params): StripeObject {
  const settings = (p.invoice_settings as Params | undefined) ?? {};
  return {
    id: store.id("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: store.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: str(p, "description") ?? null,
    discount: null,
    email: str(p, "email") ?? null,
    invoice_prefix: store.id("").slice(1, 9).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: str(settings, "default_payment_method") ?? null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    name: str(p, "name") ?? null,
    next_invoice_sequence: 1,
    phone: str(p, "phone") ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    // With `clockPerCustomer`, a customer the app creates gets its own clock that a test can advance.
    test_clock: str(p, "test_clock") ?? (store.settings.clockPerCustomer ? createTestClock(store, store.now(), "per-customer").id : null),
  };
}

export const customerRoutes: Route[] = [
  [
    "POST",
    /^\/v1\/customers$/,
    ({ store, params, emit }) => {
      const customer = store.insert("customer", customerObject(store, params));
      emit("customer.created", customer);
      return customer;
    },
  ],
  [
    "GET",
    /^\/v1\/customers\/([^/]+)$/,
    ({ store, match }) => {
      const customer = store.get("customer", match[1]!);
      return customer.deleted ? { id: customer.id, object: "customer", deleted: true } : customer;
    },
  ],
  [
    "POST",
    /^\/v1\/customers\/([^/]+)$/,
    ({ store, params, match, emit }) => {
      const customer = store.get("customer", match[1]!);
      const before = structuredClone(customer);
      for (const key of ["email", "name", "description", "phone"] as const) {
        if (params[key] !== undefined) customer[key] = str(params, key) || null;
      }
      const settings = params.invoice_settings as Params | undefined;
      if (settings?.default_payment_method !== undefined) {
        const pm = str(settings, "default_payment_method") || null;
        if (pm && store.get("payment_method", pm, "invoice_settings[default_payment_method]").customer !== customer.id) {
          throw invalid("The payment method must be attached to this customer first.", "invoice_settings[default_payment_method]");
        }
        (customer.invoice_settings as Params).default_payment_method = pm;
      }
      customer.metadata = mergeMetadata(customer.metadata as Record<string, string>, params.metadata);
      const previous = previousAttributes(before, customer);
      if (Object.keys(previous).length) emit("customer.updated", customer, previous);
      return customer;
    },
  ],
  [
    "DELETE",
    /^\/v1\/customers\/([^/]+)$/,
    ({ store, match, emit }) => {
      const customer = store.get("customer", match[1]!);
      // Deleting a customer cancels its subscriptions at once, as Stripe does.
      for (const sub of store.table("subscription").values()) {
        if (sub.customer === customer.id && sub.status !== "canceled" && sub.status !== "incomplete_expired") {
          cancelNow(store, sub, emit, customerNow(store, customer.id));
        }
      }
      customer.deleted = true;
      emit("customer.deleted", customer);
      return { id: customer.id, object: "customer", deleted: true };
    },
  ],
  [
    "GET",
    /^\/v1\/customers$/,
    ({ store, params }) => {
      const created = createdFilter(params);
      return store.list("customer", params, (o) => !o.deleted && matching(params, ["email"])(o) && created(o));
    },
  ],
];
