/**
 * Subscription schedules, as far as a plan change at the period end needs them: a schedule made
 * `from_subscription`, its phases replaced by an update, released or canceled. A test clock moves
 * a schedule from phase to phase (billing.ts asks `scheduleStep`); when the last phase ends, the
 * schedule is released (the subscription carries on as it is) or, with `end_behavior: cancel`,
 * completes and cancels the subscription.
 */
import { invalid } from "../errors";
import { previousAttributes } from "../events";
import type { Route } from "../router";
import type { Store, StripeObject } from "../store";
import { addInterval, cancelNow, changePrice, customerNow, itemOf, setPrice, updateSubscription, type Emit } from "./billing";
import { int, matching, mergeMetadata, requireStr, str, type Params } from "./params";

const OPEN = ["not_started", "active"];
const END_BEHAVIORS = ["release", "cancel"];
const PRORATION_BEHAVIORS = ["create_prorations", "none", "always_invoice"];

type Phase = {
  start_date: number;
  end_date: number;
  items: { price: string; quantity: number; [key: string]: unknown }[];
  proration_behavior: string;
  metadata: Record<string, string>;
  [key: string]: unknown;
};

const phasesOf = (schedule: StripeObject) => schedule.phases as Phase[];

function phaseObject(opts: { start: number; end: number; price: StripeObject; quantity: number; proration: string; trialEnd: number | null; metadata: Record<string, string> }): Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency: opts.price.currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: opts.end,
    invoice_settings: null,
    items: [{ billing_thresholds: null, discounts: [], metadata: {}, plan: opts.price.id, price: opts.price.id, quantity: opts.quantity, tax_rates: [] }],
    metadata: opts.metadata,
    on_behalf_of: null,
    proration_behavior: opts.proration,
    start_date: opts.start,
    transfer_data: null,
    trial_end: opts.trialEnd,
  };
}

function updateSchedule(schedule: StripeObject, emit: Emit, change: () => void) {
  const before = structuredClone(schedule);
  change();
  const previous = previousAttributes(before, schedule);
  if (Object.keys(previous).length) emit("subscription_schedule.updated", schedule, previous);
}

/** `phases[n][start_date]` and the like: a timestamp, or `now`. */
function timestamp(p: Params, key: string, now: number, param: string) {
  if (p[key] === "now") return now;
  try {
    return int(p, key);
  } catch {
    throw invalid(`Invalid timestamp: ${String(p[key])}`, param);
  }
}

function release(store: Store, emit: Emit, schedule: StripeObject, at: number) {
  const subId = schedule.subscription as string | null;
  Object.assign(schedule, { status: "released", released_at: at, released_subscription: subId, subscription: null, current_phase: null });
  if (subId) {
    const sub = store.get("subscription", subId);
    updateSubscription(sub, emit, () => void (sub.schedule = null));
  }
  emit("subscription_schedule.released", schedule);
}

function requireOpen(schedule: StripeObject, action: string) {
  if (!OPEN.includes(schedule.status as string)) {
    throw invalid(`You cannot ${action} a subscription schedule that is currently in the \`${String(schedule.status)}\` status. It must be in one of: ${OPEN.join(", ")}.`);
  }
}

function createFromSubscription(store: Store, emit: Emit, p: Params) {
  const subId = str(p, "from_subscription");
  if (!subId) throw invalid("The stand-in creates subscription schedules only `from_subscription`.", "from_subscription");
  for (const key of ["customer", "phases", "start_date", "end_behavior"]) {
    if (p[key] !== undefined) throw invalid(`You cannot set \`${key}\` if \`from_subscription\` is set.`, key);
  }
  const sub = store.get("subscription", subId, "from_subscription");
  if (sub.schedule) throw invalid(`You cannot migrate a subscription that is already attached to a schedule: \`${String(sub.schedule)}\`.`, "from_subscription");
  if (sub.status === "canceled") throw invalid("You cannot create a subscription schedule from a canceled subscription.", "from_subscription");
  const item = itemOf(sub);
  const start = item.current_period_start as number;
  const end = item.current_period_end as number;
  const now = customerNow(store, sub.customer as string);
  const price = store.get("price", (item.price as StripeObject).id);
  const schedule = store.insert("subscription_schedule", {
    id: store.id("sub_sched"),
    object: "subscription_schedule",
    application: null,
    billing_mode: { flexible: null, type: "classic" },
    canceled_at: null,
    completed_at: null,
    created: now,
    current_phase: { start_date: start, end_date: end },
    customer: sub.customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: "automatic",
      billing_thresholds: null,
      collection_method: "charge_automatically",
      default_payment_method: sub.default_payment_method,
      description: null,
      invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: "release",
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    phases: [
      phaseObject({ start, end, price, quantity: item.quantity as number, proration: "create_prorations", trialEnd: (sub.trial_end as number | null) ?? null, metadata: {} }),
    ],
    released_at: null,
    released_subscription: null,
    status: "active",
    subscription: sub.id,
    test_clock: sub.test_clock,
  });
  emit("subscription_schedule.created", schedule);
  updateSubscription(sub, emit, () => void (sub.schedule = schedule.id));
  return schedule;
}

/** `phases` of an update: consecutive, each one item, ending at `end_date`, after `iterations`/`duration`, or after one period. */
function parsePhases(store: Store, raw: unknown, now: number): Phase[] {
  const list = Array.isArray(raw) ? (raw as Params[]) : raw && typeof raw === "object" ? Object.values(raw as Record<string, Params>) : [];
  if (!list.length) throw invalid("Missing required param: phases.", "phases");
  const phases: Phase[] = [];
  list.forEach((p, i) => {
    const at = `phases[${i}]`;
    const items = Array.isArray(p.items) ? (p.items as Params[]) : [];
    if (items.length !== 1) throw invalid("The stand-in supports exactly one item per phase.", `${at}[items]`);
    const price = store.get("price", requireStr(items[0]!, "price"), `${at}[items][0][price]`);
    const recurring = price.recurring as { interval: string; interval_count: number } | null;
    if (!recurring) throw invalid("The price must be recurring.", `${at}[items][0][price]`);
    const quantity = int(items[0]!, "quantity") ?? 1;
    const previousEnd = phases[i - 1]?.end_date;
    const given = timestamp(p, "start_date", now, `${at}[start_date]`);
    if (previousEnd === undefined && given === undefined) throw invalid("Missing required param: phases[0][start_date].", `${at}[start_date]`);
    if (previousEnd !== undefined && given !== undefined && given !== previousEnd) {
      throw invalid(`The start_date of phase ${i} must equal the end_date of phase ${i - 1}.`, `${at}[start_date]`);
    }
    const start = previousEnd ?? given!;
    const ends = ["end_date", "iterations", "duration"].filter((k) => p[k] !== undefined);
    if (ends.length > 1) throw invalid(`You may only set one of end_date, iterations and duration on a phase.`, `${at}[${ends[1]}]`);
    const duration = p.duration as Params | undefined;
    const end =
      p.end_date !== undefined
        ? timestamp(p, "end_date", now, `${at}[end_date]`)!
        : duration
          ? addInterval(start, requireStr(duration, "interval"), int(duration, "interval_count") ?? 1)
          : addInterval(start, recurring.interval, recurring.interval_count * (int(p, "iterations") ?? 1));
    if (end <= start) throw invalid(`The end_date of phase ${i} must be after its start_date.`, `${at}[end_date]`);
    const proration = str(p, "proration_behavior") ?? "create_prorations";
    if (!PRORATION_BEHAVIORS.includes(proration)) throw invalid(`Invalid proration_behavior: ${proration}`, `${at}[proration_behavior]`);
    const trialEnd = timestamp(p, "trial_end", now, `${at}[trial_end]`) ?? null;
    phases.push(phaseObject({ start, end, price, quantity, proration, trialEnd, metadata: mergeMetadata({}, p.metadata) }));
  });
  return phases;
}

function updateScheduleParams(store: Store, emit: Emit, schedule: StripeObject, p: Params) {
  requireOpen(schedule, "update");
  const endBehavior = str(p, "end_behavior");
  if (endBehavior !== undefined && !END_BEHAVIORS.includes(endBehavior)) {
    throw invalid(`The stand-in supports end_behavior ${END_BEHAVIORS.join(" and ")}, not ${endBehavior}.`, "end_behavior");
  }
  const prorationBehavior = str(p, "proration_behavior") ?? "create_prorations";
  if (!PRORATION_BEHAVIORS.includes(prorationBehavior)) throw invalid(`Invalid proration_behavior: ${prorationBehavior}`, "proration_behavior");
  const sub = schedule.subscription ? store.get("subscription", schedule.subscription as string) : null;
  const now = customerNow(store, schedule.customer as string);
  const phases = p.phases === undefined ? null : parsePhases(store, p.phases, now);
  const current = phases?.find((ph) => ph.start_date <= now && now < ph.end_date);
  if (phases && schedule.status === "active") {
    if (!current) throw invalid("The phases must include the current phase, and the last phase must end in the future.", "phases");
    const was = schedule.current_phase as { start_date: number } | null;
    if (was && current.start_date !== was.start_date) throw invalid("You can not modify the start date of the current phase.", "phases");
  }
  updateSchedule(schedule, emit, () => {
    if (endBehavior) schedule.end_behavior = endBehavior;
    schedule.metadata = mergeMetadata(schedule.metadata as Record<string, string>, p.metadata);
    if (phases) {
      schedule.phases = phases;
      if (current) schedule.current_phase = { start_date: current.start_date, end_date: current.end_date };
    }
  });
  // A change to the current phase's item applies now, prorated as the request asks.
  const target = current?.items[0];
  if (sub && target && schedule.status === "active") {
    const item = itemOf(sub);
    if ((item.price as StripeObject).id !== target.price || item.quantity !== target.quantity) {
      updateSubscription(sub, emit, () =>
        changePrice(store, emit, sub, { items: [{ price: target.price, quantity: String(target.quantity) }], proration_behavior: prorationBehavior }),
      );
    }
  }
  return schedule;
}

/** The subscription's active schedule, if it has one. */
function activeScheduleOf(store: Store, sub: StripeObject) {
  if (typeof sub.schedule !== "string") return null;
  const schedule = store.get("subscription_schedule", sub.schedule);
  return schedule.status === "active" && schedule.current_phase ? schedule : null;
}

/**
 * Ends the current phase at `at`: the next phase's item takes over, or the schedule ends as its
 * `end_behavior` says. A phase boundary on the renewal only swaps the price (the renewal that
 * follows bills it); anywhere else it is a price change prorated as the phase says.
 */
function endPhase(store: Store, emit: Emit, schedule: StripeObject, sub: StripeObject, at: number) {
  const next = phasesOf(schedule).find((phase) => phase.start_date === at);
  if (!next) {
    if (schedule.end_behavior !== "cancel") return release(store, emit, schedule, at);
    Object.assign(schedule, { status: "completed", completed_at: at, current_phase: null });
    emit("subscription_schedule.completed", schedule);
    return cancelNow(store, sub, emit, at);
  }
  updateSchedule(schedule, emit, () => void (schedule.current_phase = { start_date: next.start_date, end_date: next.end_date }));
  const target = next.items[0]!;
  updateSubscription(sub, emit, () => {
    if (at === itemOf(sub).current_period_end) setPrice(sub, store.get("price", target.price), target.quantity);
    else changePrice(store, emit, sub, { items: [{ price: target.price, quantity: String(target.quantity) }], proration_behavior: next.proration_behavior, proration_date: String(at) });
    sub.metadata = mergeMetadata(sub.metadata as Record<string, string>, next.metadata);
  });
}

/** The schedule's next phase change for `sub` at or before `until`, as [time, action]. */
export function scheduleStep(store: Store, emit: Emit, sub: StripeObject, until: number): [number, () => void] | null {
  const schedule = activeScheduleOf(store, sub);
  if (!schedule) return null;
  const at = (schedule.current_phase as { end_date: number }).end_date;
  return at <= until ? [at, () => endPhase(store, emit, schedule, sub, at)] : null;
}

function markCanceled(emit: Emit, schedule: StripeObject, at: number) {
  Object.assign(schedule, { status: "canceled", canceled_at: at, current_phase: null });
  emit("subscription_schedule.canceled", schedule);
}

/** A subscription that ends takes its open schedule with it. */
export function endScheduleWithSubscription(store: Store, emit: Emit, sub: StripeObject, at: number) {
  if (typeof sub.schedule !== "string") return;
  const schedule = store.get("subscription_schedule", sub.schedule);
  if (OPEN.includes(schedule.status as string)) markCanceled(emit, schedule, at);
}

export const scheduleRoutes: Route[] = [
  ["POST", /^\/v1\/subscription_schedules$/, ({ store, params, emit }) => createFromSubscription(store, emit, params)],
  ["GET", /^\/v1\/subscription_schedules\/([^/]+)$/, ({ store, match }) => store.get("subscription_schedule", match[1]!)],
  [
    "POST",
    /^\/v1\/subscription_schedules\/([^/]+)$/,
    ({ store, params, match, emit }) => updateScheduleParams(store, emit, store.get("subscription_schedule", match[1]!), params),
  ],
  [
    "POST",
    /^\/v1\/subscription_schedules\/([^/]+)\/release$/,
    ({ store, match, emit }) => {
      const schedule = store.get("subscription_schedule", match[1]!);
      requireOpen(schedule, "release");
      release(store, emit, schedule, customerNow(store, schedule.customer as string));
      return schedule;
    },
  ],
  [
    "POST",
    /^\/v1\/subscription_schedules\/([^/]+)\/cancel$/,
    ({ store, match, emit }) => {
      const schedule = store.get("subscription_schedule", match[1]!);
      requireOpen(schedule, "cancel");
      const sub = schedule.subscription ? store.get("subscription", schedule.subscription as string) : null;
      const now = customerNow(store, schedule.customer as string);
      // Canceling the subscription cancels the schedule with it (endScheduleWithSubscription).
      if (sub && sub.status !== "canceled") cancelNow(store, sub, emit, now);
      else markCanceled(emit, schedule, now);
      return schedule;
    },
  ],
  [
    "GET",
    /^\/v1\/subscription_schedules$/,
    ({ store, params }) =>
      store.list(
        "subscription_schedule",
        params,
        (o) => matching(params, ["customer"])(o) && (params.scheduled === undefined || (o.status === "not_started") === (params.scheduled === "true")),
      ),
  ],
];
