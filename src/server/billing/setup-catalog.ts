import type Stripe from "stripe";
import { INTERVALS, PAID_PLAN_IDS, PLANS, PRICE_ENV } from "~/server/billing/plans";

/**
 * Creates the paid plans' products and prices in a Stripe account (test mode or the stand-in),
 * once: products by a fixed id, prices by lookup key, so running it again changes nothing. An
 * existing price whose amount no longer matches the plan table is replaced, moving its lookup key.
 * Returns the env lines that point the app at the prices.
 */
export async function setupCatalog(stripe: Stripe) {
  const env: Record<string, string> = {};
  for (const planId of PAID_PLAN_IDS) {
    const plan = PLANS[planId];
    const productId = `vantflow_${planId}`;
    const product = await stripe.products.retrieve(productId).catch(async (error: unknown) => {
      if ((error as { code?: string }).code !== "resource_missing") throw error;
      return stripe.products.create({ id: productId, name: `VantFlow ${plan.name}`, description: plan.description, metadata: { plan: planId } }, { idempotencyKey: `setup-product-${productId}` });
    });
    for (const interval of INTERVALS) {
      const lookupKey = plan.lookupKeys![interval];
      const amount = plan.prices![interval];
      const existing = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 })).data[0];
      const price =
        existing && existing.unit_amount === amount && existing.currency === plan.currency && existing.recurring?.interval === interval
          ? existing
          : await stripe.prices.create({
              product: product.id,
              currency: plan.currency,
              unit_amount: amount,
              recurring: { interval },
              lookup_key: lookupKey,
              transfer_lookup_key: true,
              metadata: { plan: planId, interval },
            });
      env[PRICE_ENV[planId][interval]] = price.id;
    }
  }
  return env;
}
