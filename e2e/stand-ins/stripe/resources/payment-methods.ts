import { brandOf, cardBehavior, cardDeclined, fingerprintOf, luhnValid, magicCardNumber } from "../cards";
import { invalid } from "../errors";
import type { Route } from "../router";
import type { Store, StripeObject } from "../store";
import { int, matching, mergeMetadata, requireStr, str, type Params } from "./params";

const NUMBER = Symbol("card number");

export const cardNumberOf = (pm: StripeObject) => (pm as unknown as { [NUMBER]: string })[NUMBER];

/** A card payment method; the full number is kept off the wire, as Stripe keeps it. */
export function createCardPaymentMethod(store: Store, number: string, p: Params = {}, id?: string): StripeObject {
  if (!luhnValid(number)) throw Object.assign(invalid("Your card number is incorrect.", "card[number]"), { code: "incorrect_number" });
  const card = (p.card as Params | undefined) ?? {};
  const brand = brandOf(number);
  const details = (p.billing_details as Params | undefined) ?? {};
  const pm: StripeObject = {
    id: id ?? store.id("pm"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: str(details, "email") ?? null,
      name: str(details, "name") ?? null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: brand,
      exp_month: int(card, "exp_month") ?? 12,
      exp_year: int(card, "exp_year") ?? new Date().getUTCFullYear() + 3,
      fingerprint: fingerprintOf(number),
      funding: "credit",
      generated_from: null,
      last4: number.slice(-4),
      networks: { available: [brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: store.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    type: "card",
  };
  Object.defineProperty(pm, NUMBER, { value: number, enumerable: false });
  return store.insert("payment_method", pm);
}

/** Attaches to a customer; a card that is declined outright cannot be attached. */
export function attachPaymentMethod(store: Store, pm: StripeObject, customerId: string) {
  const customer = store.get("customer", customerId, "customer");
  if (customer.deleted) throw invalid(`No such customer: '${customerId}'`, "customer");
  if (cardBehavior(cardNumberOf(pm)) === "declined") throw cardDeclined(cardNumberOf(pm));
  if (pm.customer && pm.customer !== customerId) {
    throw invalid("The payment method you provided has already been attached to a customer.", "payment_method");
  }
  pm.customer = customerId;
  return pm;
}

/** Resolves an id, creating Stripe's magic test payment methods (`pm_card_visa`, …) on first use. */
export function resolvePaymentMethod(store: Store, id: string, param = "payment_method") {
  const magic = magicCardNumber(id);
  if (magic) return createCardPaymentMethod(store, magic);
  return store.get("payment_method", id, param);
}

export const paymentMethodRoutes: Route[] = [
  [
    "POST",
    /^\/v1\/payment_methods$/,
    ({ store, params }) => {
      if (requireStr(params, "type") !== "card") throw invalid("The stand-in supports type=card only.", "type");
      const card = (params.card as Params | undefined) ?? {};
      const number = (str(card, "number") ?? "").replace(/\s/g, "");
      return createCardPaymentMethod(store, number, params);
    },
  ],
  ["GET", /^\/v1\/payment_methods\/([^/]+)$/, ({ store, match }) => store.get("payment_method", match[1]!)],
  [
    "POST",
    /^\/v1\/payment_methods\/([^/]+)\/attach$/,
    ({ store, params, match, emit }) => {
      const pm = resolvePaymentMethod(store, match[1]!, "payment_method");
      attachPaymentMethod(store, pm, requireStr(params, "customer"));
      emit("payment_method.attached", pm);
      return pm;
    },
  ],
  [
    "POST",
    /^\/v1\/payment_methods\/([^/]+)\/detach$/,
    ({ store, match, emit }) => {
      const pm = store.get("payment_method", match[1]!);
      if (!pm.customer) throw invalid("The payment method is not attached to a customer.", "payment_method");
      const customer = store.get("customer", pm.customer as string);
      const settings = customer.invoice_settings as Params;
      if (settings.default_payment_method === pm.id) {
        const before = structuredClone(customer);
        settings.default_payment_method = null;
        emit("customer.updated", customer, { invoice_settings: before.invoice_settings });
      }
      pm.customer = null;
      emit("payment_method.detached", pm);
      return pm;
    },
  ],
  [
    "GET",
    /^\/v1\/payment_methods$/,
    ({ store, params }) =>
      store.list(
        "payment_method",
        params,
        matching(params, ["customer", "type"]),
      ),
  ],
  [
    "GET",
    /^\/v1\/customers\/([^/]+)\/payment_methods$/,
    ({ store, params, match }) => {
      store.get("customer", match[1]!);
      return store.list("payment_method", params, (o) => o.customer === match[1] && matching(params, ["type"])(o));
    },
  ],
];
