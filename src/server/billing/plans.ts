/**
 * The one plan table: prices (integer cents, USD), Stripe price ids and monthly limits. No limit
 * or price appears anywhere else; everything that shows or enforces one reads it from here.
 * Stripe price ids come from the env variables named in PRICE_ENV (see price-ids.ts); this module
 * reads no environment, so scripts and the client can import it.
 */
export const PLAN_IDS = ["free", "pro", "business"] as const;
export type PlanId = (typeof PLAN_IDS)[number];
export const PAID_PLAN_IDS = ["pro", "business"] as const;
export type PaidPlanId = (typeof PAID_PLAN_IDS)[number];
export const INTERVALS = ["month", "year"] as const;
export type Interval = (typeof INTERVALS)[number];

export const METRICS = ["gemini_tokens", "projects", "team_members"] as const;
export type Metric = (typeof METRICS)[number];
/** Monthly limit per metric; null means unlimited. */
export type Limits = Record<Metric, number | null>;

export interface PlanConfig {
  id: PlanId;
  name: string;
  description: string;
  /** Integer cents per interval; free has none. */
  prices: Record<Interval, number> | null;
  currency: "usd";
  limits: Limits;
  /** Stripe lookup keys, stable across accounts: `npm run stripe:setup` creates prices under them. */
  lookupKeys: Record<Interval, string> | null;
}

export const TRIAL_DAYS = 14;

export const PLANS: Record<PlanId, PlanConfig> = {
  free: {
    id: "free",
    name: "Free",
    description: "For trying VantFlow on a side project.",
    prices: null,
    currency: "usd",
    limits: { gemini_tokens: 100_000, projects: 3, team_members: 1 },
    lookupKeys: null,
  },
  pro: {
    id: "pro",
    name: "Pro",
    description: "For professionals automating real work.",
    prices: { month: 2_900, year: 29_000 },
    currency: "usd",
    limits: { gemini_tokens: 2_000_000, projects: 25, team_members: 5 },
    lookupKeys: { month: "vantflow_pro_monthly", year: "vantflow_pro_yearly" },
  },
  business: {
    id: "business",
    name: "Business",
    description: "For teams running automation at scale.",
    prices: { month: 14_900, year: 149_000 },
    currency: "usd",
    limits: { gemini_tokens: 10_000_000, projects: null, team_members: null },
    lookupKeys: { month: "vantflow_business_monthly", year: "vantflow_business_yearly" },
  },
};

/** Plans in ascending order: a move to a later one is an upgrade. */
const RANK: Record<PlanId, number> = { free: 0, pro: 1, business: 2 };
export const isUpgrade = (from: PlanId, to: PlanId) => RANK[to] > RANK[from];

/** The env variable that holds each paid price's Stripe id. */
export const PRICE_ENV = {
  pro: { month: "STRIPE_PRICE_PRO_MONTHLY", year: "STRIPE_PRICE_PRO_YEARLY" },
  business: { month: "STRIPE_PRICE_BUSINESS_MONTHLY", year: "STRIPE_PRICE_BUSINESS_YEARLY" },
} as const satisfies Record<PaidPlanId, Record<Interval, `STRIPE_PRICE_${string}`>>;

/** What a yearly price saves over twelve monthly payments, in cents. */
export const yearlySaving = (plan: PlanConfig) => (plan.prices ? plan.prices.month * 12 - plan.prices.year : 0);

/** The plan table as the public sees it: no Stripe ids, no secrets. */
export function publicPlans() {
  return PLAN_IDS.map((id) => {
    const plan = PLANS[id];
    return {
      id,
      name: plan.name,
      description: plan.description,
      currency: plan.currency,
      prices: plan.prices,
      yearlySaving: yearlySaving(plan),
      trialDays: plan.prices ? TRIAL_DAYS : 0,
      limits: plan.limits,
    };
  });
}
