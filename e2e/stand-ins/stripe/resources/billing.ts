/**
 * Subscriptions, invoices, payment intents and test clocks: the billing lifecycle. Time for a
 * customer on a test clock is the clock's `frozen_time`; advancing the clock runs every due step
 * (trial end, renewal, payment retry, period-end cancellation) in time order, emitting the events
 * Stripe emits.
 */
import { cardBehavior } from "../cards";
import { invalid, StripeApiError } from "../errors";
import { day } from "../format";
import { previousAttributes } from "../events";
import type { Route } from "../router";
import type { Store, StripeObject } from "../store";
import { cardNumberOf } from "./payment-methods";
import { bool, createdFilter, int, matching, mergeMetadata, requireStr, str, type Params } from "./params";
import { endScheduleWithSubscription, scheduleStep } from "./schedules";

export type Emit = (type: string, object: StripeObject, previous?: Record<string, unknown>) => void;

const DAY = 86_400;
/** Days after the first failure at which Stripe's default schedule retries; then it cancels. */
const RETRY_DAYS = [3, 5, 7];

export function customerNow(store: Store, customerId: string) {
  const clockId = store.get("customer", customerId, "customer").test_clock as string | null;
  return clockId ? (store.get("test_helpers.test_clock", clockId).frozen_time as number) : store.now();
}

export function addInterval(ts: number, interval: string, count: number) {
  const d = new Date(ts * 1000);
  if (interval === "year") d.setUTCFullYear(d.getUTCFullYear() + count);
  else if (interval === "month") d.setUTCMonth(d.getUTCMonth() + count);
  else if (interval === "week") d.setUTCDate(d.getUTCDate() + 7 * count);
  else d.setUTCDate(d.getUTCDate() + count);
  return Math.floor(d.getTime() / 1000);
}

export const itemOf = (sub: StripeObject) => (sub.items as { data: StripeObject[] }).data[0]!;
const priceOf = (store: Store, sub: StripeObject) => store.get("price", (itemOf(sub).price as StripeObject).id);

function setPeriod(sub: StripeObject, start: number, end: number) {
  itemOf(sub).current_period_start = start;
  itemOf(sub).current_period_end = end;
}

export function updateSubscription(sub: StripeObject, emit: Emit, change: () => void) {
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

/** One invoice line: a period of a price, or a proration (negative for unused time). */
export type Line = { amount: number; price: StripeObject; quantity: number; periodStart: number; periodEnd: number; proration: boolean; description: string };
type InvoiceOptions = { reason: string; lines: Line[]; periodStart: number; periodEnd: number; now: number };

const productName = (store: Store, price: StripeObject) => store.get("product", price.product as string).name as string;

/** The line billing `sub`'s current price for a whole period. */
function periodLine(store: Store, sub: StripeObject, start: number, end: number): Line {
  const price = priceOf(store, sub);
  const quantity = itemOf(sub).quantity as number;
  return { amount: (price.unit_amount as number) * quantity, price, quantity, periodStart: start, periodEnd: end, proration: false, description: `${quantity} × ${productName(store, price)}` };
}

/** An invoice object for `sub`, not yet stored (a preview keeps it that way). */
function buildInvoice(store: Store, sub: StripeObject, opts: InvoiceOptions, id: string, number: string | null): StripeObject {
  const customer = store.get("customer", sub.customer as string);
  const currency = priceOf(store, sub).currency as string;
  const total = opts.lines.reduce((sum, line) => sum + line.amount, 0);
  // A negative total is not charged: it becomes a credit on the customer's balance.
  const due = Math.max(0, total);
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "VantFlow (stand-in)",
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: due,
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
    currency,
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
      data: opts.lines.map((line) => ({
        id: store.id("il"),
        object: "line_item",
        amount: line.amount,
        currency,
        description: line.description,
        discount_amounts: [],
        discountable: !line.proration,
        discounts: [],
        invoice: id,
        livemode: false,
        metadata: {},
        parent: {
          invoice_item_details: null,
          subscription_item_details: { invoice_item: null, proration: line.proration, proration_details: { credited_items: null }, subscription: sub.id, subscription_item: itemOf(sub).id },
          type: "subscription_item_details",
        },
        period: { start: line.periodStart, end: line.periodEnd },
        pretax_credit_amounts: [],
        pricing: { price_details: { price: line.price.id, product: line.price.product }, type: "price_details", unit_amount_decimal: line.price.unit_amount_decimal },
        quantity: line.quantity,
        taxes: [],
      })),
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
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: customer.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
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
  // Finalizing gives an invoice its hosted page and PDF, served by the stand-in.
  invoice.hosted_invoice_url = `${store.baseUrl}/invoice/${invoice.id}`;
  invoice.invoice_pdf = `${store.baseUrl}/invoice/${invoice.id}/pdf`;
  emit("invoice.finalized", invoice);
  sub.latest_invoice = invoice.id;
  return invoice;
}

/** Tries to collect an open invoice with the subscription's or customer's default card. */
function payInvoice(store: Store, emit: Emit, sub: StripeObject, invoice: StripeObject, now: number, paymentMethod?: string): boolean {
  const customer = store.get("customer", invoice.customer as string);
  const pmId =
    paymentMethod ?? (sub.default_payment_method as string | null) ?? ((customer.invoice_settings as Params).default_payment_method as string | null);
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

/**
 * Pays an open invoice now (`POST /v1/invoices/:id/pay`, or the hosted invoice page); a
 * subscription that was past_due or unpaid on it becomes active. A failed charge is a card error.
 */
export function payOpenInvoice(store: Store, emit: Emit, invoice: StripeObject, paymentMethod?: string) {
  if (invoice.status !== "open") throw invalid(`Invoice ${invoice.id} is already ${String(invoice.status)}.`);
  const sub = store.get("subscription", invoice.subscription as string);
  const now = customerNow(store, invoice.customer as string);
  if (!payInvoice(store, emit, sub, invoice, now, paymentMethod)) {
    throw new StripeApiError(402, "card_error", "Your card was declined.", "card_declined");
  }
  if (sub.latest_invoice === invoice.id && (sub.status === "past_due" || sub.status === "unpaid")) {
    updateSubscription(sub, emit, () => void (sub.status = "active"));
  }
  return invoice;
}

export function cancelNow(store: Store, sub: StripeObject, emit: Emit, now: number, reason = "cancellation_requested") {
  // A schedule cannot outlive its subscription: Stripe cancels it along with the subscription.
  endScheduleWithSubscription(store, emit, sub, now);
  sub.status = "canceled";
  sub.canceled_at ??= now;
  sub.ended_at = now;
  sub.cancellation_details = { comment: null, feedback: null, reason };
  emit("customer.subscription.deleted", sub);
}

/**
 * The lines a price change at `at` bills, as Stripe computes them (to the second, rounded to
 * cents): a credit for the old price's unused time and a charge for the new price's remaining
 * time, or, when the interval changes, the new price's full period from `at`.
 */
function changeLines(store: Store, sub: StripeObject, newPrice: StripeObject, quantity: number, at: number, behavior: string) {
  const oldPrice = priceOf(store, sub);
  const item = itemOf(sub);
  const start = item.current_period_start as number;
  const end = item.current_period_end as number;
  const oldRec = oldPrice.recurring as { interval: string; interval_count: number };
  const newRec = newPrice.recurring as { interval: string; interval_count: number };
  const resetsCycle = oldRec.interval !== newRec.interval || oldRec.interval_count !== newRec.interval_count;
  const lines: Line[] = [];
  if (sub.status === "trialing") return { lines, resetsCycle: false };
  const fraction = Math.min(1, Math.max(0, (end - at) / (end - start)));
  const oldQuantity = item.quantity as number;
  if (behavior !== "none") {
    const credit = -Math.round((oldPrice.unit_amount as number) * oldQuantity * fraction);
    if (credit) lines.push({ amount: credit, price: oldPrice, quantity: oldQuantity, periodStart: at, periodEnd: end, proration: true, description: `Unused time on ${productName(store, oldPrice)} after ${day(at)}` });
  }
  const newAmount = (newPrice.unit_amount as number) * quantity;
  if (resetsCycle) {
    lines.push({ amount: newAmount, price: newPrice, quantity, periodStart: at, periodEnd: addInterval(at, newRec.interval, newRec.interval_count), proration: false, description: `${quantity} × ${productName(store, newPrice)}` });
  } else if (behavior !== "none") {
    const charge = Math.round(newAmount * fraction);
    if (charge) lines.push({ amount: charge, price: newPrice, quantity, periodStart: at, periodEnd: end, proration: true, description: `Remaining time on ${quantity} × ${productName(store, newPrice)} after ${day(at)}` });
  }
  return { lines, resetsCycle };
}

/** Proration lines waiting for the subscription's next invoice (Stripe's pending invoice items). */
const pendingOf = (sub: StripeObject) => ((sub as unknown as { __pending?: Line[] }).__pending ?? []);
function setPending(sub: StripeObject, lines: Line[]) {
  Object.defineProperty(sub, "__pending", { value: lines, enumerable: false, writable: true, configurable: true });
}

const sum = (lines: Line[]) => lines.reduce((total, line) => total + line.amount, 0);

/** Puts `price` on the subscription's one item, billing nothing: what a renewal-aligned phase change does. */
export function setPrice(sub: StripeObject, price: StripeObject, quantity: number) {
  const item = itemOf(sub);
  const recurring = price.recurring as { interval: string; interval_count: number };
  item.price = price;
  item.quantity = quantity;
  item.plan = { ...(item.plan as Params), id: price.id, amount: price.unit_amount, interval: recurring.interval, interval_count: recurring.interval_count, product: price.product };
}

/** Swaps the subscription's price; invoices now when asked to or when the interval changes. */
export function changePrice(store: Store, emit: Emit, sub: StripeObject, p: Params) {
  const items = Array.isArray(p.items) ? (p.items as Params[]) : [];
  const change = items[0];
  if (!change) return;
  const item = itemOf(sub);
  if (str(change, "id") && change.id !== item.id) throw invalid(`No such subscription item: '${String(change.id)}'`, "items[0][id]");
  const newPrice = store.get("price", requireStr(change, "price"), "items[0][price]");
  const quantity = int(change, "quantity") ?? (item.quantity as number);
  const behavior = str(p, "proration_behavior") ?? "create_prorations";
  const at = int(p, "proration_date") ?? customerNow(store, sub.customer as string);
  const { lines, resetsCycle } = changeLines(store, sub, newPrice, quantity, at, behavior);
  const recurring = newPrice.recurring as { interval: string; interval_count: number };
  setPrice(sub, newPrice, quantity);
  if (resetsCycle) setPeriod(sub, at, addInterval(at, recurring.interval, recurring.interval_count));
  if (behavior === "always_invoice" || resetsCycle) {
    const all = [...pendingOf(sub), ...lines];
    setPending(sub, []);
    const invoice = createInvoice(store, emit, sub, { reason: "subscription_update", lines: all, periodStart: at, periodEnd: itemOf(sub).current_period_end as number, now: at });
    // An unused-time credit larger than the charge goes to the customer's balance (negative = credit).
    const net = sum(all);
    if (net < 0) {
      const customer = store.get("customer", sub.customer as string);
      customer.balance = (customer.balance as number) + net;
    }
    if (!payInvoice(store, emit, sub, invoice, at)) sub.status = "past_due";
  } else if (behavior === "create_prorations") {
    setPending(sub, [...pendingOf(sub), ...lines]);
  }
}

/** POST /v1/invoices/create_preview: what a change would bill, without changing anything. */
function previewInvoice(store: Store, p: Params) {
  const sub = store.get("subscription", requireStr(p, "subscription"), "subscription");
  const details = (p.subscription_details as Params | undefined) ?? {};
  const items = Array.isArray(details.items) ? (details.items as Params[]) : [];
  const at = int(details, "proration_date") ?? customerNow(store, sub.customer as string);
  const item = itemOf(sub);
  const end = item.current_period_end as number;
  const preview = (reason: string, lines: Line[], periodStart: number) =>
    buildInvoice(store, sub, { reason, lines, periodStart, periodEnd: end, now: at }, `upcoming_${sub.id}`, null);
  const next = (price: StripeObject, quantity: number): Line => {
    const rec = price.recurring as { interval: string; interval_count: number };
    return { amount: (price.unit_amount as number) * quantity, price, quantity, periodStart: end, periodEnd: addInterval(end, rec.interval, rec.interval_count), proration: false, description: `${quantity} × ${productName(store, price)}` };
  };
  if (!items[0]) return preview("upcoming", [...pendingOf(sub), next(priceOf(store, sub), item.quantity as number)], end);
  const newPrice = store.get("price", requireStr(items[0], "price"), "subscription_details[items][0][price]");
  const quantity = int(items[0], "quantity") ?? (item.quantity as number);
  const behavior = str(details, "proration_behavior") ?? "create_prorations";
  const { lines, resetsCycle } = changeLines(store, sub, newPrice, quantity, at, behavior);
  if (behavior === "always_invoice" || resetsCycle) return preview("subscription_update", [...pendingOf(sub), ...lines], at);
  return preview("upcoming", [...pendingOf(sub), ...lines, next(newPrice, quantity)], at);
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
  const lines = [...pendingOf(sub), periodLine(store, sub, at, end)];
  setPending(sub, []);
  const invoice = createInvoice(store, emit, sub, { reason: "subscription_cycle", lines, periodStart: at, periodEnd: end, now: at });
  const paid = payInvoice(store, emit, sub, invoice, at);
  updateSubscription(sub, emit, () => {
    setPeriod(sub, at, end);
    sub.status = paid ? "active" : "past_due";
  });
}

/** What the account's retry settings do once every retry of a renewal has failed. */
function afterFinalRetry(store: Store, emit: Emit, sub: StripeObject, at: number) {
  if (store.settings.afterFinalRetry === "cancel") cancelNow(store, sub, emit, at, "payment_failed");
  else if (store.settings.afterFinalRetry === "mark_unpaid") updateSubscription(sub, emit, () => void (sub.status = "unpaid"));
}

const defaultPaymentMethodOf = (store: Store, sub: StripeObject) =>
  (sub.default_payment_method as string | null) ??
  ((store.get("customer", sub.customer as string).invoice_settings as Params).default_payment_method as string | null);

/** A trial ends: bill the first period, or, with no card, do what `trial_settings` asks. */
function endTrial(store: Store, emit: Emit, sub: StripeObject, at: number) {
  if (sub.cancel_at_period_end) return cancelNow(store, sub, emit, at);
  const missing = ((sub.trial_settings as Params).end_behavior as Params).missing_payment_method;
  if (defaultPaymentMethodOf(store, sub) === null && missing === "cancel") return cancelNow(store, sub, emit, at, "cancellation_requested");
  if (defaultPaymentMethodOf(store, sub) === null && missing === "pause") {
    updateSubscription(sub, emit, () => {
      sub.status = "paused";
      sub.pause_collection = null;
    });
    return emit("customer.subscription.paused", sub);
  }
  cycle(store, emit, sub, at);
}

/**
 * `trial_end: "now"` on an update: a trialing subscription ends its trial at once and bills its
 * first period now, as Stripe does (apps use it to refuse a trial after the fact).
 */
function endTrialNow(store: Store, emit: Emit, sub: StripeObject, value: unknown) {
  if (value !== "now") throw invalid("The stand-in supports trial_end=now only.", "trial_end");
  if (sub.status !== "trialing") return;
  const at = customerNow(store, sub.customer as string);
  updateSubscription(sub, emit, () => void (sub.trial_end = at));
  endTrial(store, emit, sub, at);
}

/** POST /v1/subscriptions/:id/resume: a paused subscription starts a new, billed period now. */
function resumeSubscription(store: Store, emit: Emit, sub: StripeObject) {
  if (sub.status !== "paused") throw invalid("Only a subscription with status paused can be resumed.");
  const at = customerNow(store, sub.customer as string);
  const price = priceOf(store, sub);
  const recurring = price.recurring as { interval: string; interval_count: number };
  const end = addInterval(at, recurring.interval, recurring.interval_count);
  const invoice = createInvoice(store, emit, sub, { reason: "subscription_cycle", lines: [periodLine(store, sub, at, end)], periodStart: at, periodEnd: end, now: at });
  const paid = payInvoice(store, emit, sub, invoice, at);
  updateSubscription(sub, emit, () => {
    setPeriod(sub, at, end);
    sub.billing_cycle_anchor = at;
    sub.status = paid ? "active" : "past_due";
  });
  emit("customer.subscription.resumed", sub);
  return sub;
}

/**
 * The next due step of a subscription at or before `until`, as [time, action]. A schedule's phase
 * change due at the same time as a renewal goes first, so the renewal bills the new phase's price.
 */
function nextStep(store: Store, emit: Emit, sub: StripeObject, until: number): [number, () => void] | null {
  const lifecycle = lifecycleStep(store, emit, sub, until);
  const phase = scheduleStep(store, emit, sub, until);
  return phase && (!lifecycle || phase[0] <= lifecycle[0]) ? phase : lifecycle;
}

/** The next due trial, retry or renewal step of a subscription at or before `until`. */
function lifecycleStep(store: Store, emit: Emit, sub: StripeObject, until: number): [number, () => void] | null {
  const periodEnd = itemOf(sub).current_period_end as number;
  if (sub.status === "trialing") {
    const warnAt = (sub.trial_end as number) - 3 * DAY;
    if (!sub.__warned && warnAt <= until) {
      return [warnAt, () => {
        Object.defineProperty(sub, "__warned", { value: true, enumerable: false });
        emit("customer.subscription.trial_will_end", sub);
      }];
    }
    if ((sub.trial_end as number) <= until) return [sub.trial_end as number, () => endTrial(store, emit, sub, sub.trial_end as number)];
    return null;
  }
  if (sub.status === "past_due") {
    const invoice = store.get("invoice", sub.latest_invoice as string);
    const at = invoice.next_payment_attempt as number | null;
    if (invoice.status === "open" && at !== null && at <= until) {
      return [at, () => {
        if (payInvoice(store, emit, sub, invoice, at)) updateSubscription(sub, emit, () => void (sub.status = "active"));
        else if (invoice.next_payment_attempt === null) afterFinalRetry(store, emit, sub, at);
      }];
    }
  }
  if ((sub.status === "active" || sub.status === "past_due") && periodEnd <= until) {
    return [periodEnd, () => (sub.cancel_at_period_end ? cancelNow(store, sub, emit, periodEnd) : cycle(store, emit, sub, periodEnd))];
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

export function createTestClock(store: Store, frozenTime: number, name: string | null) {
  return store.insert("test_helpers.test_clock", {
    id: store.id("clock"),
    object: "test_helpers.test_clock",
    created: store.now(),
    deletes_after: store.now() + 30 * DAY,
    frozen_time: frozenTime,
    livemode: false,
    name,
    status: "ready",
    status_details: {},
  });
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
    trial_settings: { end_behavior: { missing_payment_method: str((p.trial_settings as Params | undefined)?.end_behavior as Params ?? {}, "missing_payment_method") ?? "create_invoice" } },
    trial_start: trialDays ? now : null,
  });
  emit("customer.subscription.created", sub);
  const line = periodLine(store, sub, now, periodEnd);
  if (trialDays) Object.assign(line, { amount: 0, description: `Trial period for ${productName(store, price)}` });
  const invoice = createInvoice(store, emit, sub, { reason: "subscription_create", lines: [line], periodStart: now, periodEnd, now });
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
      if (sub.schedule && (params.cancel_at_period_end !== undefined || params.cancel_at !== undefined)) {
        throw invalid(
          `The subscription is managed by the subscription schedule \`${String(sub.schedule)}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
        );
      }
      updateSubscription(sub, emit, () => {
        if (params.cancel_at_period_end !== undefined) setCancelAtPeriodEnd(store, sub, bool(params, "cancel_at_period_end")!);
        if (params.default_payment_method !== undefined) sub.default_payment_method = str(params, "default_payment_method") || null;
        changePrice(store, emit, sub, params);
        sub.metadata = mergeMetadata(sub.metadata as Record<string, string>, params.metadata);
      });
      if (params.trial_end !== undefined) endTrialNow(store, emit, sub, params.trial_end);
      return sub;
    },
  ],
  [
    "DELETE",
    /^\/v1\/subscriptions\/([^/]+)$/,
    ({ store, match, emit }) => {
      const sub = store.get("subscription", match[1]!);
      if (sub.status === "canceled") throw invalid(`No such subscription: '${sub.id}' is already canceled.`);
      cancelNow(store, sub, emit, customerNow(store, sub.customer as string));
      return sub;
    },
  ],
  [
    "GET",
    /^\/v1\/subscriptions$/,
    ({ store, params }) => {
      const created = createdFilter(params);
      return store.list(
        "subscription",
        params,
        (o) =>
          matching(params, ["customer"])(o) &&
          created(o) &&
          (params.status === "all" || (params.status === undefined ? o.status !== "canceled" : o.status === params.status)),
      );
    },
  ],
  ["POST", /^\/v1\/subscriptions\/([^/]+)\/resume$/, ({ store, match, emit }) => resumeSubscription(store, emit, store.get("subscription", match[1]!))],
  [
    "POST",
    /^\/v1\/invoices\/([^/]+)\/pay$/,
    ({ store, params, match, emit }) => {
      const invoice = store.get("invoice", match[1]!);
      const pm = str(params, "payment_method");
      if (pm && store.get("payment_method", pm, "payment_method").customer !== invoice.customer) {
        throw invalid("The payment method must be attached to the invoice's customer.", "payment_method");
      }
      return payOpenInvoice(store, emit, invoice, pm);
    },
  ],
  ["POST", /^\/v1\/invoices\/create_preview$/, ({ store, params }) => previewInvoice(store, params)],
  ["GET", /^\/v1\/invoices\/([^/]+)$/, ({ store, match }) => store.get("invoice", match[1]!)],
  [
    "GET",
    /^\/v1\/invoices$/,
    ({ store, params }) => {
      const created = createdFilter(params);
      return store.list("invoice", params, (o) => matching(params, ["customer", "status", "subscription"])(o) && created(o));
    },
  ],
  ["GET", /^\/v1\/payment_intents\/([^/]+)$/, ({ store, match }) => store.get("payment_intent", match[1]!)],
  [
    "POST",
    /^\/v1\/test_helpers\/test_clocks$/,
    ({ store, params }) => {
      const frozen = int(params, "frozen_time");
      if (frozen === undefined) throw invalid("Missing required param: frozen_time.", "frozen_time");
      return createTestClock(store, frozen, str(params, "name") ?? null);
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
