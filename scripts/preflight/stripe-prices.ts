import Stripe from "stripe";
import { INTERVALS, PAID_PLAN_IDS, PLANS, PRICE_ENV, type Interval, type PaidPlanId } from "../../src/server/billing/plans";
import { stripeConnection } from "../../src/server/clients/stripe-connection";
import { problem, reasonOf, SKIPPED, valueOf, type CheckOutcome, type PreflightConfig, type Problem } from "./problems";

type PriceFacts = Pick<Stripe.Price, "id" | "active" | "livemode" | "currency" | "unit_amount"> & { recurring: { interval: string } | null };

/**
 * One configured price against the plan table and the key's mode. A live key with a test-mode
 * price (or the reverse) would charge nothing or fail at checkout; an amount, currency or interval
 * other than the plan table's would bill what the plans page does not show.
 */
export function priceProblems(variable: string, price: PriceFacts, plan: PaidPlanId, interval: Interval, liveKey: boolean): Problem[] {
  const expected = PLANS[plan];
  const problems: Problem[] = [];
  if (price.livemode !== liveKey) {
    const [keyMode, priceMode] = liveKey ? ["live", "test"] : ["test", "live"];
    problems.push(problem(variable, `${price.id} is a ${priceMode}-mode price but STRIPE_SECRET_KEY is a ${keyMode} key`));
  }
  if (!price.active) problems.push(problem(variable, `${price.id} is archived (inactive) at Stripe`));
  const amount = expected.prices![interval];
  if (price.unit_amount !== amount || price.currency !== expected.currency) {
    problems.push(problem(variable, `${price.id} is ${price.unit_amount} ${price.currency}, the plan table says ${amount} ${expected.currency} (${plan} per ${interval})`));
  }
  if (price.recurring?.interval !== interval) {
    problems.push(problem(variable, `${price.id} recurs per ${price.recurring?.interval ?? "nothing (one-time)"}, the plan table says per ${interval}`));
  }
  return problems;
}

export const isLiveKey = (key: string) => key.startsWith("sk_live_");

/** Each STRIPE_PRICE_* retrieved with the configured key: it must exist and match the plan table. */
export async function checkStripePrices(config: PreflightConfig): Promise<CheckOutcome> {
  const key = valueOf(config, "STRIPE_SECRET_KEY");
  if (!key) return SKIPPED; // checkEnv names it
  const stripe = new Stripe(key, { ...stripeConnection(valueOf(config, "STRIPE_API_BASE")), maxNetworkRetries: 0 });
  const problems: Problem[] = [];
  for (const plan of PAID_PLAN_IDS) {
    for (const interval of INTERVALS) {
      const variable = PRICE_ENV[plan][interval];
      const id = valueOf(config, variable);
      if (!id) continue;
      try {
        problems.push(...priceProblems(variable, await stripe.prices.retrieve(id), plan, interval, isLiveKey(key)));
      } catch (error) {
        const e = error as { type?: string; code?: string };
        // A key Stripe refuses fails every price alike: name the key once.
        if (e.type === "StripeAuthenticationError") return [problem("STRIPE_SECRET_KEY", `Stripe refused the key (${reasonOf(error)})`)];
        if (e.code === "resource_missing") problems.push(problem(variable, `${id} does not exist in the account and mode of STRIPE_SECRET_KEY (run npm run stripe:setup)`));
        else return [problem("STRIPE_SECRET_KEY", `Stripe did not answer: ${reasonOf(error)}`)];
      }
    }
  }
  return problems;
}
