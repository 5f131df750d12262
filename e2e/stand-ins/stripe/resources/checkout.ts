/**
 * Checkout Sessions and the hosted payment page a browser fills in. Completing the page does what
 * Stripe's does: creates the customer if needed, attaches the card, makes it the default, starts
 * the subscription (with its trial), marks the session complete, emits
 * `checkout.session.completed`, and redirects to `success_url`.
 */
import { cardBehavior, cardDeclined } from "../cards";
import { invalid, StripeApiError } from "../errors";
import type { Route } from "../router";
import type { Store, StripeObject } from "../store";
import { createSubscription, customerNow } from "./billing";
import { customerObject } from "./customers";
import { attachPaymentMethod, createCardPaymentMethod } from "./payment-methods";
import { int, matching, mergeMetadata, requireStr, str, type Params } from "./params";

type Emit = (type: string, object: StripeObject, previous?: Record<string, unknown>) => void;

function createSession(store: Store, p: Params): StripeObject {
  const mode = requireStr(p, "mode");
  if (!["subscription", "setup"].includes(mode)) throw invalid("The stand-in supports mode=subscription and mode=setup.", "mode");
  const successUrl = requireStr(p, "success_url");
  const customer = str(p, "customer") ?? null;
  if (customer) store.get("customer", customer, "customer");
  const lines = Array.isArray(p.line_items) ? (p.line_items as Params[]) : [];
  let price: StripeObject | null = null;
  if (mode === "subscription") {
    if (lines.length !== 1) throw invalid("The stand-in supports exactly one line item.", "line_items");
    price = store.get("price", requireStr(lines[0]!, "price"), "line_items[0][price]");
  }
  const quantity = lines[0] ? (int(lines[0], "quantity") ?? 1) : 1;
  const subscriptionData = (p.subscription_data as Params | undefined) ?? {};
  const id = store.id("cs_test");
  const now = customer ? customerNow(store, customer) : store.now();
  const amount = price ? (price.unit_amount as number) * quantity : null;
  const session = store.insert("checkout.session", {
    id,
    object: "checkout.session",
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: str(p, "cancel_url") ?? null,
    client_reference_id: str(p, "client_reference_id") ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: (price?.currency as string | undefined) ?? (str(p, "currency") ?? null),
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer,
    customer_account: null,
    customer_creation: customer ? null : "always",
    customer_details: null,
    customer_email: str(p, "customer_email") ?? null,
    discounts: [],
    expires_at: now + 24 * 3600,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: mergeMetadata({}, p.metadata),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "always",
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `${store.baseUrl}/checkout/${id}`,
    wallet_options: null,
  });
  // Kept off the wire: what the hosted page needs to start the subscription.
  Object.defineProperty(session, "__subscription", {
    value: {
      price: price?.id,
      quantity,
      trialDays: int(subscriptionData, "trial_period_days") ?? 0,
      metadata: subscriptionData.metadata,
    },
    enumerable: false,
  });
  return session;
}

type Pending = { price?: string; quantity: number; trialDays: number; metadata: unknown };

/** Completes an open session with the card typed on the hosted page; throws card errors. */
export function completeCheckout(store: Store, emit: Emit, session: StripeObject, form: Params) {
  if (session.status !== "open") throw invalid("This Checkout Session is no longer open.");
  const number = (str(form, "cardNumber") ?? "").replace(/\s/g, "");
  const [month, year] = (str(form, "cardExpiry") ?? "").split("/").map((s) => Number(s.trim()));
  const pending = (session as unknown as { __subscription: Pending }).__subscription;
  if (cardBehavior(number) === "declined") throw cardDeclined(number);
  // Without a trial the first invoice is charged now: a card that fails when charged fails here.
  if (session.mode === "subscription" && !pending.trialDays && cardBehavior(number) === "fails_on_charge") {
    throw new StripeApiError(402, "card_error", "Your card was declined.", "card_declined");
  }
  let customerId = session.customer as string | null;
  if (!customerId) {
    const email = str(form, "email") || (session.customer_email as string | null) || undefined;
    const created = store.insert("customer", customerObject(store, { email, name: str(form, "name") }));
    emit("customer.created", created);
    customerId = created.id;
  }
  const pm = createCardPaymentMethod(store, number, {
    card: { exp_month: String(month ?? 12), exp_year: String(2000 + ((year ?? 30) % 100)) },
    billing_details: { name: str(form, "name") ?? "" },
  });
  attachPaymentMethod(store, pm, customerId);
  emit("payment_method.attached", pm);
  const customer = store.get("customer", customerId);
  const settings = customer.invoice_settings as Params;
  if (session.mode === "subscription" || !settings.default_payment_method) {
    const before = structuredClone(customer);
    settings.default_payment_method = pm.id;
    emit("customer.updated", customer, { invoice_settings: before.invoice_settings });
  }
  if (session.mode === "subscription") {
    const sub = createSubscription(store, emit, {
      customer: customerId,
      items: [{ price: pending.price, quantity: String(pending.quantity) }],
      ...(pending.trialDays ? { trial_period_days: String(pending.trialDays) } : {}),
      default_payment_method: pm.id,
      metadata: pending.metadata,
    });
    session.subscription = sub.id;
    session.invoice = sub.latest_invoice;
    session.payment_status = pending.trialDays ? "no_payment_required" : "paid";
  } else {
    session.payment_status = "no_payment_required";
  }
  session.customer = customerId;
  session.customer_details = { address: null, email: customer.email, name: str(form, "name") ?? null, phone: null, tax_exempt: "none", tax_ids: [] };
  session.status = "complete";
  emit("checkout.session.completed", session);
  return (session.success_url as string).replace("{CHECKOUT_SESSION_ID}", session.id);
}

export const checkoutRoutes: Route[] = [
  ["POST", /^\/v1\/checkout\/sessions$/, ({ store, params }) => createSession(store, params)],
  ["GET", /^\/v1\/checkout\/sessions\/([^/]+)$/, ({ store, match }) => store.get("checkout.session", match[1]!)],
  [
    "POST",
    /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/,
    ({ store, match, emit }) => {
      const session = store.get("checkout.session", match[1]!);
      if (session.status !== "open") throw invalid("Only an open Checkout Session can be expired.");
      session.status = "expired";
      emit("checkout.session.expired", session);
      return session;
    },
  ],
  [
    "GET",
    /^\/v1\/checkout\/sessions$/,
    ({ store, params }) =>
      store.list(
        "checkout.session",
        params,
        matching(params, ["customer", "status"]),
      ),
  ],
];
