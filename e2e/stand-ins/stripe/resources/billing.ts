/**
 * Subscriptions, invoices, payment intents and test clocks: the billing lifecycle. Time for a
 * customer on a test clock is the clock's `frozen_time`; advancing the clock runs every due step
 * (trial end, renewal, payment retry, period-end cancellation) in time order, emitting the events
 * Stripe emits.
 */
import { cardBehavior } from "../cards";
import { invalid } from "../errors";
import { previousAttributes } from "../events";
import type { Route } from "../router";
import type { Store, StripeObject } from "../store";
import { cardNumberOf } from "./payment-methods";
import { bool, int, mergeMetadata, requireStr, str, type Params } from "./params";

type Emit = (type: string, object: StripeObject, previous?: Record<string, unknown>) => void;

const DAY = 86_400;
/** Days after the first failure at which Stripe's default schedule retries; then it cancels. */
const RETRY_DAYS = [3, 5, 7];

export function customerNow(store: Store, customerId: string) {
  const clockId = store.get("customer", customerId, "customer").test_clock as string | null;
  return clockId ? (store.get("test_helpers.test_clock", clockId).frozen_time as number) : store.now();
}

function addInterval(ts: number, interval: string, count: number) {
  const d = new Date(ts * 1000);
  if (interval === "year") d.setUTCFullYear(d.getUTCFullYear() + count);
  else if (interval === "month") d.setUTCMonth(d.getUTCMonth() + count);
  else if (interval === "week") d.setUTCDate(d.getUTCDate() + 7 * count);
  else d.setUTCDate(d.getUTCDate() + count);
  return Math.floor(d.getTime() / 1000);
}

const itemOf = (sub: StripeObject) => (sub.items as { data: StripeObject[] }).data[0]!;
const priceOf = (store: Store, sub: StripeObject) => store.get("price", (itemOf(sub).price as StripeObject).id);

function setPeriod(sub: StripeObject, start: number, end: number) {
  itemOf(sub).current_period_start = start;
  itemOf(sub).current_period_end = end;
}

function updateSubscription(sub: StripeObject, emit: Emit, change: () => void) {
  const before = structuredClone(sub);
  change();
  const previous = previousAttributes(before, sub);
  if (Object.keys(previous).length) emit("customer.subscription.updated", sub, previous);
}

function createPaymentIntent(store: Store, invoice: StripeObject, now: number): StripeObject {
  return store.insert("payment_intent", {
    id: store.id("pi"),
    object: "payment_intent",
    amount: invoice.amount_due,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic",
    client_secret: `${store.id("pi")}_secret_${store.id("s").slice(2)}`,
    confirmation_method: "automatic",
    created: now,
    currency: invoice.currency,
    customer: invoice.customer,
    customer_account: null,
    description: "Subscription update",
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  });
}

type InvoiceOptions = { reason: string; amount: number; periodStart: number; periodEnd: number; now: number };

/** An invoice object for `sub`, not yet stored (a preview keeps it that way). */
function buildInvoice(store: Store, sub: StripeObject, opts: InvoiceOptions, id: string, number: string | null): StripeObject {
  const price = priceOf(store, sub);
  const customer = store.get("customer", sub.customer as string);
  const quantity = itemOf(sub).quantity as number;
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "VantFlow (stand-in)",
    account_tax_ids: null,
    amount_due: opts.amount,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: opts.amount,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: opts.reason,
    collection_method: "charge_automatically",
    created: opts.now,
    currency: price.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: opts.now,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: [
        {
          id: store.id("il"),
          object: "line_item",
          amount: opts.amount,
          currency: price.currency,
          description: `${quantity} × ${(store.get("product", price.product as string).name as string)}`,
          invoice: id,
          livemode: false,
          metadata: {},
          period: { start: opts.periodStart, end: opts.periodEnd },
          pricing: { price_details: { price: price.id, product: price.product }, type: "price_details", unit_amount_decimal: price.unit_amount_decimal },
          quantity,
        },
      ],
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: sub.metadata, subscription: sub.id },
      type: "subscription_details",
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: opts.periodEnd,
    period_start: opts.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: sub.id,
    subtotal: opts.amount,
    subtotal_excluding_tax: opts.amount,
    test_clock: customer.test_clock,
    total: opts.amount,
    total_discount_amounts: [],
    total_excluding_tax: opts.amount,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: opts.now,
  };
}

function createInvoice(store: Store, emit: Emit, sub: StripeObject, opts: InvoiceOptions): StripeObject {
  const customer = store.get("customer", sub.customer as string);
  const sequence = customer.next_invoice_sequence as number;
  customer.next_invoice_sequence = sequence + 1;
  const number = `${customer.invoice_prefix as string}-${String(sequence).padStart(4, "0")}`;
  const invoice = store.insert("invoice", buildInvoice(store, sub, opts, store.id("in"), number));
  emit("invoice.created", invoice);
  invoice.status = "open";
  (invoice.status_transitions as Params).finalized_at = opts.now;
  emit("invoice.finalized", invoice);
  sub.latest_invoice = invoice.id;
  return invoice;
}

/** Tries to collect an open invoice with the subscription's or customer's default card. */
function payInvoice(store: Store, emit: Emit, sub: StripeObject, invoice: StripeObject, now: number): boolean {
  const customer = store.get("customer", invoice.customer as string);
  const pmId = (sub.default_payment_method as string | null) ?? ((customer.invoice_settings as Params).default_payment_method as string | null);
  invoice.attempted = true;
  invoice.attempt_count = (invoice.attempt_count as number) + 1;
  const amount = invoice.amount_due as number;
  const card = pmId ? store.get("payment_method", pmId) : null;
  const succeeds = amount === 0 || (card !== null && cardBehavior(cardNumberOf(card)) === "succeeds");
  if (amount > 0) {
    const pi = createPaymentIntent(store, invoice, now);
    pi.payment_method = pmId;
    if (succeeds) {
      pi.status = "succeeded";
      pi.amount_received = amount;
      emit("payment_intent.succeeded", pi);
    } else {
      pi.last_payment_error = { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." };
      emit("payment_intent.payment_failed", pi);
    }
  }
  if (succeeds) {
    invoice.status = "paid";
    invoice.amount_paid = amount;
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    (invoice.status_transitions as Params).paid_at = now;
    emit("invoice.paid", invoice);
    emit("invoice.payment_succeeded", invoice);
    return true;
  }
  const retryDay = RETRY_DAYS[(invoice.attempt_count as number) - 1];
  invoice.next_payment_attempt = retryDay === undefined ? null : (invoice.created as number) + retryDay * DAY;
  emit("invoice.payment_failed", invoice);
  return false;
}

function cancelNow(sub: StripeObject, emit: Emit, now: number, reason = "cancellation_requested") {
  sub.status = "canceled";
  sub.canceled_at ??= now;
  sub.ended_at = now;
  sub.cancellation_details = { comment: null, feedback: null, reason };
  emit("customer.subscription.deleted", sub);
}

/** Proration of a price change at `at`, as Stripe computes it (to the second, rounded to cents). */
function quoteChange(store: Store, sub: StripeObject, newPrice: StripeObject, quantity: number, at: number) {
  const oldPrice = priceOf(store, sub);
  const item = itemOf(sub);
  const start = item.current_period_start as number;
  const end = item.current_period_end as number;
  const oldRec = oldPrice.recurring as { interval: string; interval_count: number };
  const newRec = newPrice.recurring as { interval: string; interval_count: number };
  const resetsCycle = oldRec.interval !== newRec.interval || oldRec.interval_count !== newRec.interval_count;
  const newAmount = (newPrice.unit_amount as number) * quantity;
  if (sub.status === "trialing") return { credit: 0, charge: 0, resetsCycle: false, newAmount };
  const fraction = Math.min(1, Math.max(0, (end - at) / (end - start)));
  const credit = -Math.round((oldPrice.unit_amount as number) * (item.quantity as number) * fraction);
  const charge = resetsCycle ? newAmount : Math.round(newAmount * fraction);
  return { credit, charge, resetsCycle, newAmount };
}

/** What a change bills: credit plus charge, or with `none` only a new cycle's full price. */
const netOf = (q: ReturnType<typeof quoteChange>, behavior: string) =>
  behavior === "none" ? (q.resetsCycle ? q.charge : 0) : q.credit + q.charge;

const pendingOf = (sub: StripeObject) => ((sub as unknown as { __pending?: number }).__pending ?? 0);
function setPending(sub: StripeObject, amount: number) {
  Object.defineProperty(sub, "__pending", { value: amount, enumerable: false, writable: true, configurable: true });
}

/** Swaps the subscription's price; invoices now when asked to or when the interval changes. */
function changePrice(store: Store, emit: Emit, sub: StripeObject, p: Params) {
  const items = Array.isArray(p.items) ? (p.items as Params[]) : [];
  const change = items[0];
  if (!change) return;
  const item = itemOf(sub);
  if (str(change, "id") && change.id !== item.id) throw invalid(`No such subscription item: '${String(change.id)}'`, "items[0][id]");
  const newPrice = store.get("price", requireStr(change, "price"), "items[0][price]");
  const quantity = int(change, "quantity") ?? (item.quantity as number);
  const behavior = str(p, "proration_behavior") ?? "create_prorations";
  const at = int(p, "proration_date") ?? customerNow(store, sub.customer as string);
  const quote = quoteChange(store, sub, newPrice, quantity, at);
  const recurring = newPrice.recurring as { interval: string; interval_count: number };
  item.price = newPrice;
  item.quantity = quantity;
  item.plan = { ...(item.plan as Params), id: newPrice.id, amount: newPrice.unit_amount, interval: recurring.interval, interval_count: recurring.interval_count, product: newPrice.product };
  if (quote.resetsCycle) setPeriod(sub, at, addInterval(at, recurring.interval, recurring.interval_count));
  const net = netOf(quote, behavior);
  if (behavior === "always_invoice" || quote.resetsCycle) {
    const invoice = createInvoice(store, emit, sub, {
      reason: "subscription_update",
      amount: Math.max(0, net),
      periodStart: at,
      periodEnd: itemOf(sub).current_period_end as number,
      now: at,
    });
    // An unused-time credit larger than the charge goes to the customer's balance (negative = credit).
    if (net < 0) {
      const customer = store.get("customer", sub.customer as string);
      customer.balance = (customer.balance as number) + net;
    }
    if (!payInvoice(store, emit, sub, invoice, at)) sub.status = "past_due";
  } else if (behavior === "create_prorations") {
    setPending(sub, pendingOf(sub) + net);
  }
}

/** POST /v1/invoices/create_preview: what a change would bill, without changing anything. */
function previewInvoice(store: Store, p: Params) {
  const sub = store.get("subscription", requireStr(p, "subscription"), "subscription");
  const details = (p.subscription_details as Params | undefined) ?? {};
  const items = Array.isArray(details.items) ? (details.items as Params[]) : [];
  const at = int(details, "proration_date") ?? customerNow(store, sub.customer as string);
  const item = itemOf(sub);
  if (!items[0]) {
    const amount = (priceOf(store, sub).unit_amount as number) * (item.quantity as number) + pendingOf(sub);
    const end = item.current_period_end as number;
    return buildInvoice(store, sub, { reason: "upcoming", amount, periodStart: end, periodEnd: end, now: at }, `upcoming_${sub.id}`, null);
  }
  const newPrice = store.get("price", requireStr(items[0], "price"), "subscription_details[items][0][price]");
  const quantity = int(items[0], "quantity") ?? (item.quantity as number);
  const behavior = str(details, "proration_behavior") ?? "create_prorations";
  const quote = quoteChange(store, sub, newPrice, quantity, at);
  const immediate = behavior === "always_invoice" || quote.resetsCycle;
  const net = netOf(quote, behavior);
  const amount = immediate ? Math.max(0, net) : quote.newAmount + pendingOf(sub) + net;
  const preview = buildInvoice(
    store,
    sub,
    { reason: immediate ? "subscription_update" : "upcoming", amount, periodStart: at, periodEnd: item.current_period_end as number, now: at },
    `upcoming_${sub.id}`,
    null,
  );
  return preview;
}

function setCancelAtPeriodEnd(store: Store, sub: StripeObject, flag: boolean) {
  sub.cancel_at_period_end = flag;
  sub.cancel_at = flag ? itemOf(sub).current_period_end : null;
  sub.canceled_at = flag ? customerNow(store, sub.customer as string) : null;
}

/** What the billing portal does: the same updates as the API, with the portal's defaults. */
export const portalActions = {
  cancelAtPeriodEnd(store: Store, emit: Emit, sub: StripeObject) {
    updateSubscription(sub, emit, () => setCancelAtPeriodEnd(store, sub, true));
  },
  switchPrice(store: Store, emit: Emit, sub: StripeObject, priceId: string) {
    updateSubscription(sub, emit, () =>
      changePrice(store, emit, sub, { items: [{ id: itemOf(sub).id, price: priceId }], proration_behavior: "create_prorations" }),
    );
  },
};

/** Starts the next period at `at` and bills it. */
function cycle(store: Store, emit: Emit, sub: StripeObject, at: number) {
  const price = priceOf(store, sub);
  const recurring = price.recurring as { interval: string; interval_count: number };
  const end = addInterval(at, recurring.interval, recurring.interval_count);
  const amount = Math.max(0, (price.unit_amount as number) * (itemOf(sub).quantity as number) + pendingOf(sub));
  setPending(sub, 0);
  const invoice = createInvoice(store, emit, sub, { reason: "subscription_cycle", amount, periodStart: at, periodEnd: end, now: at });
  const paid = payInvoice(store, emit, sub, invoice, at);
  updateSubscription(sub, emit, () => {
    setPeriod(sub, at, end);
    sub.status = paid ? "active" : "past_due";
  });
}

/** The next due step of a subscription at or before `until`, as [time, action]. */
function nextStep(store: Store, emit: Emit, sub: StripeObject, until: number): [number, () => void] | null {
  const periodEnd = itemOf(sub).current_period_end as number;
  if (sub.status === "trialing") {
    const warnAt = (sub.trial_end as number) - 3 * DAY;
    if (!sub.__warned && warnAt <= until) {
      return [warnAt, () => {
        Object.defineProperty(sub, "__warned", { value: true, enumerable: false });
        emit("customer.subscription.trial_will_end", sub);
      }];
    }
    if ((sub.trial_end as number) <= until) return [sub.trial_end as number, () => cycle(store, emit, sub, sub.trial_end as number)];
    return null;
  }
  if (sub.status === "past_due") {
    const invoice = store.get("invoice", sub.latest_invoice as string);
    const at = invoice.next_payment_attempt as number | null;
    if (invoice.status === "open" && at !== null && at <= until) {
      return [at, () => {
        if (payInvoice(store, emit, sub, invoice, at)) updateSubscription(sub, emit, () => void (sub.status = "active"));
        else if (invoice.next_payment_attempt === null) cancelNow(sub, emit, at, "payment_failed");
      }];
    }
  }
  if ((sub.status === "active" || sub.status === "past_due") && periodEnd <= until) {
    return [periodEnd, () => (sub.cancel_at_period_end ? cancelNow(sub, emit, periodEnd) : cycle(store, emit, sub, periodEnd))];
  }
  return null;
}

function advanceClock(store: Store, emit: Emit, clock: StripeObject, target: number) {
  const customers = new Set([...store.table("customer").values()].filter((c) => c.test_clock === clock.id).map((c) => c.id));
  for (;;) {
    const steps = [...store.table("subscription").values()]
      .filter((s) => customers.has(s.customer as string))
      .map((s) => nextStep(store, emit, s, target))
      .filter((s): s is [number, () => void] => s !== null)
      .sort((a, b) => a[0] - b[0]);
    const step = steps[0];
    if (!step) break;
    clock.frozen_time = step[0];
    step[1]();
  }
  clock.frozen_time = target;
  clock.status = "ready";
}

export function createSubscription(store: Store, emit: Emit, p: Params) {
  const customerId = requireStr(p, "customer");
  const now = customerNow(store, customerId);
  const items = Array.isArray(p.items) ? (p.items as Params[]) : [];
  const item = items[0];
  if (!item || items.length !== 1) throw invalid("The stand-in supports exactly one subscription item.", "items");
  const price = store.get("price", requireStr(item, "price"), "items[0][price]");
  if (!price.recurring) throw invalid("The price must be recurring.", "items[0][price]");
  const pm = str(p, "default_payment_method") ?? null;
  if (pm && store.get("payment_method", pm, "default_payment_method").customer !== customerId) {
    throw invalid("The payment method must be attached to the customer.", "default_payment_method");
  }
  const trialDays = int(p, "trial_period_days") ?? 0;
  const recurring = price.recurring as { interval: string; interval_count: number };
  const periodEnd = trialDays ? now + trialDays * DAY : addInterval(now, recurring.interval, recurring.interval_count);
  const id = store.id("sub");
  const sub = store.insert("subscription", {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: periodEnd > now && trialDays ? periodEnd : now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: bool(p, "cancel_at_period_end") ?? false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: "charge_automatically",
    created: now,
    currency: price.currency,
    customer: customerId,
    customer_account: null,
    days_until_due: null,
    default_payment_method: pm,
    default_source: null,
    default_tax_rates: [],
    description: str(p, "description") ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      object: "list",
      data: [
        {
          id: store.id("si"),
          object: "subscription_item",
          billing_thresholds: null,
          created: now,
          current_period_end: periodEnd,
          current_period_start: now,
          discounts: [],
          metadata: {},
          plan: { id: price.id, object: "plan", active: true, amount: price.unit_amount, currency: price.currency, interval: recurring.interval, interval_count: recurring.interval_count, product: price.product },
          price,
          quantity: int(item, "quantity") ?? 1,
          subscription: id,
          tax_rates: [],
        },
      ],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: mergeMetadata({}, p.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialDays ? "trialing" : "incomplete",
    test_clock: store.get("customer", customerId).test_clock,
    transfer_data: null,
    trial_end: trialDays ? periodEnd : null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: trialDays ? now : null,
  });
  emit("customer.subscription.created", sub);
  const amount = trialDays ? 0 : (price.unit_amount as number) * (itemOf(sub).quantity as number);
  const invoice = createInvoice(store, emit, sub, { reason: "subscription_create", amount, periodStart: now, periodEnd, now });
  const paid = payInvoice(store, emit, sub, invoice, now);
  if (!trialDays) updateSubscription(sub, emit, () => void (sub.status = paid ? "active" : "incomplete"));
  return sub;
}

export const billingRoutes: Route[] = [
  ["POST", /^\/v1\/subscriptions$/, ({ store, params, emit }) => createSubscription(store, emit, params)],
  ["GET", /^\/v1\/subscriptions\/([^/]+)$/, ({ store, match }) => store.get("subscription", match[1]!)],
  [
    "POST",
    /^\/v1\/subscriptions\/([^/]+)$/,
    ({ store, params, match, emit }) => {
      const sub = store.get("subscription", match[1]!);
      if (sub.status === "canceled") throw invalid("A canceled subscription can only update its cancellation_details and metadata.");
      updateSubscription(sub, emit, () => {
        if (params.cancel_at_period_end !== undefined) setCancelAtPeriodEnd(store, sub, bool(params, "cancel_at_period_end")!);
        if (params.default_payment_method !== undefined) sub.default_payment_method = str(params, "default_payment_method") || null;
        changePrice(store, emit, sub, params);
        sub.metadata = mergeMetadata(sub.metadata as Record<string, string>, params.metadata);
      });
      return sub;
    },
  ],
  [
    "DELETE",
    /^\/v1\/subscriptions\/([^/]+)$/,
    ({ store, match, emit }) => {
      const sub = store.get("subscription", match[1]!);
      if (sub.status === "canceled") throw invalid(`No such subscription: '${sub.id}' is already canceled.`);
      cancelNow(sub, emit, customerNow(store, sub.customer as string));
      return sub;
    },
  ],
  [
    "GET",
    /^\/v1\/subscriptions$/,
    ({ store, params }) =>
      store.list(
        "subscription",
        params,
        (o) =>
          (params.customer === undefined || o.customer === params.customer) &&
          (params.status === "all" || (params.status === undefined ? o.status !== "canceled" : o.status === params.status)),
      ),
  ],
  ["POST", /^\/v1\/invoices\/create_preview$/, ({ store, params }) => previewInvoice(store, params)],
  ["GET", /^\/v1\/invoices\/([^/]+)$/, ({ store, match }) => store.get("invoice", match[1]!)],
  [
    "GET",
    /^\/v1\/invoices$/,
    ({ store, params }) =>
      store.list(
        "invoice",
        params,
        (o) =>
          (params.customer === undefined || o.customer === params.customer) &&
          (params.status === undefined || o.status === params.status) &&
          (params.subscription === undefined || o.subscription === params.subscription),
      ),
  ],
  ["GET", /^\/v1\/payment_intents\/([^/]+)$/, ({ store, match }) => store.get("payment_intent", match[1]!)],
  [
    "POST",
    /^\/v1\/test_helpers\/test_clocks$/,
    ({ store, params }) => {
      const frozen = int(params, "frozen_time");
      if (frozen === undefined) throw invalid("Missing required param: frozen_time.", "frozen_time");
      return store.insert("test_helpers.test_clock", {
        id: store.id("clock"),
        object: "test_helpers.test_clock",
        created: store.now(),
        deletes_after: store.now() + 30 * DAY,
        frozen_time: frozen,
        livemode: false,
        name: str(params, "name") ?? null,
        status: "ready",
        status_details: {},
      });
    },
  ],
  ["GET", /^\/v1\/test_helpers\/test_clocks\/([^/]+)$/, ({ store, match }) => store.get("test_helpers.test_clock", match[1]!)],
  ["GET", /^\/v1\/test_helpers\/test_clocks$/, ({ store, params }) => store.list("test_helpers.test_clock", params, (o) => !o.deleted)],
  [
    "POST",
    /^\/v1\/test_helpers\/test_clocks\/([^/]+)\/advance$/,
    ({ store, params, match, bus }) => {
      const clock = store.get("test_helpers.test_clock", match[1]!);
      const target = int(params, "frozen_time");
      if (target === undefined || target < (clock.frozen_time as number)) {
        throw invalid("The test clock can only move forward.", "frozen_time");
      }
      // Lifecycle events of a clock carry no API request, as in Stripe.
      advanceClock(store, (type, object, previous) => void bus.emit(type, object, { previous }), clock, target);
      return clock;
    },
  ],
  [
    "DELETE",
    /^\/v1\/test_helpers\/test_clocks\/([^/]+)$/,
    ({ store, match }) => {
      const clock = store.get("test_helpers.test_clock", match[1]!);
      clock.deleted = true;
      return { id: clock.id, object: "test_helpers.test_clock", deleted: true };
    },
  ],
];
