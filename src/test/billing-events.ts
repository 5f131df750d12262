/**
 * Fixtures for the webhook queue's tests: orgs whose Stripe customers have a card and a
 * subscription (about ten events each), and a check that an org's billing rows equal what Stripe
 * lists for its customer.
 */
import type Stripe from "stripe";
import { expect } from "vitest";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";

export async function subscribedCustomer(sdk: Stripe, price: string, name = "Queue Org") {
  const { organization } = await makeUser(name);
  const customer = await ensureStripeCustomer(organization.id);
  const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
  await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await sdk.subscriptions.create({ customer, items: [{ price }] });
  return { orgId: organization.id, customer, sub };
}

/** Every event the stand-in holds, oldest first, keyed to its customer. */
export async function allEvents(sdk: Stripe) {
  return (await sdk.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).reverse();
}

/** The org's Subscription, InvoiceRecord and PaymentMethod rows say what Stripe lists for the customer. */
export async function expectRowsEqualStripe(sdk: Stripe, orgId: string, customer: string) {
  const [subs, invoices, pms] = await Promise.all([
    sdk.subscriptions.list({ customer, status: "all", limit: 100 }).autoPagingToArray({ limit: 1000 }),
    sdk.invoices.list({ customer, limit: 100 }).autoPagingToArray({ limit: 1000 }),
    sdk.customers.listPaymentMethods(customer, { limit: 100 }).autoPagingToArray({ limit: 1000 }),
  ]);
  const [subRows, invoiceRows, pmRows] = await Promise.all([
    db.subscription.findMany({ where: { organizationId: orgId } }),
    db.invoiceRecord.findMany({ where: { organizationId: orgId } }),
    db.paymentMethod.findMany({ where: { organizationId: orgId } }),
  ]);
  const sorted = (pairs: [string, unknown][]) => pairs.sort((a, b) => a[0].localeCompare(b[0]));
  expect(sorted(subRows.map((r) => [r.stripeSubscriptionId, [r.status, r.cancelAtPeriodEnd]]))).toEqual(
    sorted(subs.map((s) => [s.id, [s.status, s.cancel_at_period_end]])),
  );
  expect(sorted(invoiceRows.map((r) => [r.stripeInvoiceId, [r.status, r.total]]))).toEqual(sorted(invoices.map((i) => [i.id!, [i.status, i.total]])));
  expect(sorted(pmRows.map((r) => [r.stripePaymentMethodId, r.last4]))).toEqual(sorted(pms.map((p) => [p.id, p.card?.last4 ?? null])));
}
