import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { env } from "~/env";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { sendDueNotifications } from "~/server/notifications/send";
import { customerOf, makeOwner, subscribe } from "~/test/billing";
import { makeUser } from "~/test/factories";
import { sendGridStandIn } from "~/test/sendgrid";
import { deliver } from "~/test/stripe";

// The sender drains the whole outbox and these tests count whole mailboxes (BILLING_ADMIN_EMAILS
// are every org's): a database and a Stripe stand-in of this file's own.
const { sdk, prices } = await vi.hoisted(async () => (await import("~/test/isolated-billing")).startIsolatedBilling("billing_mail"));

const DAY = 86_400;
const OPERATORS = ["ops@vantflow.test", "finance@vantflow.test"];
const mailbox = sendGridStandIn();
beforeEach(() => mailbox.reset());

/** An owner's org with an ADMIN and a MEMBER besides. */
async function team() {
  const owner = await makeOwner("Mail Owner");
  const [admin, member] = await Promise.all([makeUser("Mail Admin"), makeUser("Mail Member")]);
  await db.membership.createMany({
    data: [
      { organizationId: owner.orgId, userId: admin.user.id, role: "ADMIN" },
      { organizationId: owner.orgId, userId: member.user.id, role: "MEMBER" },
    ],
  });
  return { owner, admin, member };
}

const subjects = (to: string) => mailbox.messages(to).map((m) => m.subject);
/** Sends every due email (as the after-response hook and the job do). */
const sendAll = () => sendDueNotifications({ budgetMs: 10_000 });

/** This file's stand-in's events about the customer, oldest first. */
async function eventsOf(customer: string) {
  const all = (await sdk.events.list({ limit: 100 }).autoPagingToArray({ limit: 5_000 })).reverse();
  return all.filter((e) => (e.data.object as { customer?: string | null }).customer === customer);
}
const delivered = new Set<string>();
/** Delivers, in order, the customer's events not delivered before, and waits for their processing. */
async function deliverNew(customer: string) {
  const types = [];
  for (const event of await eventsOf(customer)) {
    if (delivered.has(event.id)) continue;
    delivered.add(event.id);
    expect((await deliver(event)).status).toBe(200);
    types.push(event.type);
  }
  return types;
}
async function advance(customer: string, seconds: number) {
  const c = (await sdk.customers.retrieve(customer)) as Stripe.Customer;
  const clockId = typeof c.test_clock === "string" ? c.test_clock : c.test_clock!.id;
  const clock = await sdk.testHelpers.testClocks.retrieve(clockId);
  return sdk.testHelpers.testClocks.advance(clockId, { frozen_time: clock.frozen_time + seconds });
}

describe("billing emails on the Stripe stand-in's test clock", () => {
  it("trial started → trial ending in 3 days → payment failed with card 0341 (to owners, admins and BILLING_ADMIN_EMAILS) → receipt on recovery", async () => {
    const { owner, admin, member } = await team();
    await subscribe(owner, "4000000000000341");
    const customer = await customerOf(owner.orgId);
    await sendAll();
    for (const to of [owner.email, admin.email]) expect(subjects(to)).toEqual([`Your Pro trial for ${owner.organization.name} has started`]);
    expect(mailbox.messages(member.email)).toEqual([]);
    expect(mailbox.messages(OPERATORS[0])).toEqual([]);
    const sub = await db.subscription.findFirstOrThrow({ where: { organizationId: owner.orgId } });
    expect(mailbox.messages(owner.email)[0]!.text).toContain(`${env.APP_URL}/dashboard/billing`);

    // Three days before the trial's end by the customer's clock (days ahead of the wall clock).
    await advance(customer, 11 * DAY);
    expect(await deliverNew(customer)).toContain("customer.subscription.trial_will_end");
    await sendAll();
    for (const to of [owner.email, admin.email]) expect(subjects(to)).toContain(`Your Pro trial for ${owner.organization.name} ends in 3 days`);
    expect(mailbox.messages(owner.email)).toHaveLength(2);
    expect(mailbox.messages(member.email)).toEqual([]);
    // The days left are counted on the customer's clock too (the wall clock still says 14).
    expect(await owner.caller.billing.overview({ orgId: owner.orgId })).toMatchObject({ status: "trialing", trialDaysLeft: 3 });

    // The trial ends; the card attached but every charge fails.
    await advance(customer, 3 * DAY + 60);
    await deliverNew(customer);
    await sendAll();
    const row = await db.subscription.findFirstOrThrow({ where: { organizationId: owner.orgId } });
    expect(row.status).toBe("past_due");
    const invoice = await db.invoiceRecord.findFirstOrThrow({ where: { organizationId: owner.orgId, status: "open" } });
    const failedSubject = `Payment failed for ${owner.organization.name}: $29.00 is due`;
    for (const to of [owner.email, admin.email, ...OPERATORS]) {
      const failed = mailbox.messages(to).filter((m) => m.subject === failedSubject);
      expect(failed, to).toHaveLength(1);
      expect(failed[0]!.html).toContain(`href="${invoice.hostedInvoiceUrl}"`);
      // The grace end (BILLING_GRACE_DAYS after the unpaid invoice) is the one entitlements enforce.
      const graceEnd = new Date(row.pastDueSince!.getTime() + env.BILLING_GRACE_DAYS * DAY * 1000);
      const day = graceEnd.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
      expect(failed[0]!.text).toContain(day);
    }
    expect(mailbox.messages(member.email)).toEqual([]);
    // The billing page's banner: the amount owed, the hosted invoice to pay it, the grace end.
    expect(await owner.caller.billing.overview({ orgId: owner.orgId })).toMatchObject({
      status: "past_due",
      pastDue: { amountDue: 2900, currency: "usd", payUrl: invoice.hostedInvoiceUrl, graceEndsAt: new Date(row.pastDueSince!.getTime() + env.BILLING_GRACE_DAYS * DAY * 1000) },
    });

    // A good card pays the open invoice: a receipt, with the way back to good standing, to owners and admins.
    mailbox.reset();
    const good = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: good.id } });
    await sdk.invoices.pay(invoice.stripeInvoiceId, { payment_method: good.id });
    await deliverNew(customer);
    await sendAll();
    for (const to of [owner.email, admin.email]) {
      const [receipt, ...rest] = mailbox.messages(to);
      expect(rest).toEqual([]);
      expect(receipt!.subject).toBe(`Receipt for ${owner.organization.name}: $29.00 paid`);
      expect(receipt!.text).toContain("back in good standing");
      expect(receipt!.html).toContain(`href="${invoice.hostedInvoiceUrl}"`);
    }
    for (const to of [member.email, ...OPERATORS]) expect(mailbox.messages(to)).toEqual([]);
    expect((await db.subscription.findUniqueOrThrow({ where: { id: sub.id } })).status).toBe("active");
    expect(await owner.caller.billing.overview({ orgId: owner.orgId })).toMatchObject({ status: "active", pastDue: null });

    // Every event delivered again, and the customer synced again: nothing new.
    for (const event of await eventsOf(customer)) await deliver(event);
    await syncStripeCustomer(customer);
    await sendAll();
    expect(mailbox.messages(owner.email)).toHaveLength(1);
  });
});

describe("the billing page's limit banner data", () => {
  it("names the counted metrics over their limit (a Free org with 3 members is over its 1 seat), never a solo org's one seat", async () => {
    const { owner } = await team();
    expect((await owner.caller.billing.overview({ orgId: owner.orgId })).overLimits).toEqual([{ metric: "team_members", current: 3, limit: 1 }]);
    const alone = await makeOwner("Alone");
    expect((await alone.caller.billing.overview({ orgId: alone.orgId })).overLimits).toEqual([]);
  });
});

/** A customer with a trialing subscription made at Stripe directly: no sync has seen it yet. */
async function trialAtStripe() {
  const t = await team();
  const customer = await ensureStripeCustomer(t.owner.orgId);
  // No card: one card's second trial would be refused (trial-claims.ts).
  await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY }], trial_period_days: 14 });
  const created = (await eventsOf(customer)).find((e) => e.type === "customer.subscription.created")!;
  return { ...t, customer, created };
}
const trialRows = (orgId: string) => db.notification.findMany({ where: { organizationId: orgId, kind: "trial-started" } });

describe("one email per transition, whatever the deliveries", () => {
  it("a webhook delivered 5× at once, then twice more, and 5 concurrent syncs: one email per recipient", async () => {
    const { owner, admin, member, customer, created } = await trialAtStripe();
    await Promise.all(Array.from({ length: 5 }, () => deliver(created)));
    await deliver(created);
    await deliver(created);
    await Promise.all(Array.from({ length: 5 }, () => syncStripeCustomer(customer)));
    expect((await trialRows(owner.orgId)).map((r) => r.recipient).sort()).toEqual([owner.email, admin.email].sort());
    await sendAll();
    await sendAll();
    for (const to of [owner.email, admin.email]) expect(subjects(to)).toEqual([`Your Pro trial for ${owner.organization.name} has started`]);
    expect(mailbox.messages(member.email)).toEqual([]);
  });

  it("a plan change and back, then the cancellation: one email each, to owners and admins", async () => {
    const { owner, admin, member, customer } = await trialAtStripe();
    await syncStripeCustomer(customer);
    const [sub] = (await sdk.subscriptions.list({ customer })).data;
    const switchTo = async (price: string) => {
      await sdk.subscriptions.update(sub!.id, { items: [{ id: sub!.items.data[0]!.id, price }] });
      await syncStripeCustomer(customer);
      await syncStripeCustomer(customer); // the same state again: nothing new
    };
    await switchTo(prices.STRIPE_PRICE_BUSINESS_MONTHLY!);
    await switchTo(prices.STRIPE_PRICE_PRO_MONTHLY!);
    await sdk.subscriptions.cancel(sub!.id);
    await syncStripeCustomer(customer);
    await syncStripeCustomer(customer);
    await sendAll();
    const name = owner.organization.name;
    for (const to of [owner.email, admin.email]) {
      // Sent several at a time: compared as a set.
      expect(subjects(to).sort()).toEqual(
        [`Your Pro trial for ${name} has started`, `${name} is now on Business`, `${name} is now on Pro`, `${name} is back on the Free plan`].sort(),
      );
    }
    expect(mailbox.messages(member.email)).toEqual([]);
  });

  it("a state change that rolls back leaves no notification; the sync that then lands sends it", async () => {
    const { owner, customer } = await trialAtStripe();
    // The write fails at its commit, after the emails were enqueued (a deferred check): all of it rolls back.
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_trial_claim() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'trial claims are down'; END $$ LANGUAGE plpgsql;
      CREATE CONSTRAINT TRIGGER refuse_trial_claim AFTER INSERT ON "TrialClaim" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_trial_claim();`);
    try {
      await expect(syncStripeCustomer(customer)).rejects.toThrow(/trial claims are down/);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_trial_claim ON "TrialClaim"`);
    }
    expect(await db.subscription.count({ where: { organizationId: owner.orgId } })).toBe(0);
    expect(await db.notification.count({ where: { organizationId: owner.orgId } })).toBe(0);

    await syncStripeCustomer(customer);
    expect(await trialRows(owner.orgId)).toHaveLength(2);
  });

  it("a trial refused because its card already had one is announced neither as started nor as ending", async () => {
    const first = await trialAtStripe();
    const second = await trialAtStripe();
    for (const t of [first, second]) {
      const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer: t.customer }); // one card: one fingerprint
      await sdk.customers.update(t.customer, { invoice_settings: { default_payment_method: pm.id } });
      await syncStripeCustomer(t.customer);
    }
    expect(await trialRows(first.owner.orgId)).toHaveLength(2);
    expect(await trialRows(second.owner.orgId)).toEqual([]);
    expect(await db.subscription.findFirstOrThrow({ where: { organizationId: second.owner.orgId } })).toMatchObject({ status: "active" });
  });

  it("SendGrid answering 500 is retried with backoff and the email is then sent exactly once", async () => {
    const { owner, admin, customer } = await trialAtStripe();
    await sendAll(); // the other tests' emails: this one counts its own sends
    await syncStripeCustomer(customer);
    mailbox.failNext(500, 1);
    expect(await sendAll()).toMatchObject({ sent: 1, retrying: 1 });
    const rows = await trialRows(owner.orgId);
    expect(rows.map((r) => r.status).sort()).toEqual(["FAILED", "SENT"]);
    const failed = rows.find((r) => r.status === "FAILED")!;
    expect(failed.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(failed.lastError).toMatch(/500/);
    expect(mailbox.messages(failed.recipient)).toEqual([]);
    // Not due yet: nothing is sent again.
    expect(await sendAll()).toMatchObject({ sent: 0 });
    // The backoff has come.
    await db.notification.updateMany({ where: { organizationId: owner.orgId, status: "FAILED" }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await sendAll();
    await sendAll();
    expect((await trialRows(owner.orgId)).map((r) => r.recipient).sort()).toEqual([owner.email, admin.email].sort());
    for (const row of await trialRows(owner.orgId)) {
      expect(row).toMatchObject({ status: "SENT" });
      expect(mailbox.messages(row.recipient)).toHaveLength(1);
      expect(row.providerMessageId).toBe(mailbox.messages(row.recipient)[0]!.messageId);
    }
  });
});

describe("an email never rolls back the billing state it reports", () => {
  /** `n` more ADMINs of the org, written directly (registering 50 users takes long). */
  async function admins(orgId: string, n: number) {
    const emails = Array.from({ length: n }, (_, i) => `admin-${i}-${randomUUID()}@example.test`);
    await db.user.createMany({ data: emails.map((email) => ({ email, name: "Admin", passwordHash: "x" })) });
    const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true } });
    await db.membership.createMany({ data: users.map((u) => ({ organizationId: orgId, userId: u.id, role: "ADMIN" as const })) });
    return emails;
  }

  it("51 owners and admins (Business has unlimited seats): the state is written and each gets the email once, in batches", async () => {
    const { owner, admin, customer } = await trialAtStripe();
    const more = await admins(owner.orgId, 50);
    await syncStripeCustomer(customer);
    expect(await db.subscription.count({ where: { organizationId: owner.orgId } })).toBe(1);
    expect((await trialRows(owner.orgId)).map((r) => r.recipient).sort()).toEqual([owner.email, admin.email, ...more].sort());
    // Again, and concurrently: nothing new.
    await Promise.all([syncStripeCustomer(customer), syncStripeCustomer(customer)]);
    expect(await trialRows(owner.orgId)).toHaveLength(52);
  });

  it("a stored address the outbox refuses is skipped with a warning; the others get the email and the state is written", async () => {
    const { owner, admin, customer } = await trialAtStripe();
    await db.user.update({ where: { id: admin.user.id }, data: { email: `not an address ${randomUUID()}` } });
    const warn = vi.spyOn(console, "warn");
    try {
      await syncStripeCustomer(customer);
      expect(warn.mock.calls.some(([line]) => String(line).includes("not valid; skipped"))).toBe(true);
    } finally {
      warn.mockRestore();
    }
    expect(await db.subscription.count({ where: { organizationId: owner.orgId } })).toBe(1);
    expect((await trialRows(owner.orgId)).map((r) => r.recipient)).toEqual([owner.email]);
  });

  it("any other enqueue failure is rolled back to a savepoint: the state is written without the email", async () => {
    const { owner, customer } = await trialAtStripe();
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_notification() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'outbox is down'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_notification BEFORE INSERT ON "Notification" FOR EACH ROW EXECUTE FUNCTION refuse_notification();`);
    try {
      await syncStripeCustomer(customer);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_notification ON "Notification"`);
    }
    expect(await db.subscription.count({ where: { organizationId: owner.orgId } })).toBe(1);
    expect(await trialRows(owner.orgId)).toEqual([]);
  });
});

describe("a Stripe customer deleted puts the org on Free", () => {
  it("enqueues back on Free for its live subscription in the unlinking transaction, once", async () => {
    const { owner, admin, member, customer } = await trialAtStripe();
    await syncStripeCustomer(customer);
    await sdk.customers.del(customer);
    expect(await syncStripeCustomer(customer)).toMatchObject({ status: "customer_lost", reason: "deleted" });
    await syncStripeCustomer(customer);
    const rows = await db.notification.findMany({ where: { organizationId: owner.orgId, kind: "subscription-canceled" } });
    expect(rows.map((r) => r.recipient).sort()).toEqual([owner.email, admin.email].sort());
    expect(rows[0]!.subject).toBe(`${owner.organization.name} is back on the Free plan`);
    expect(rows.some((r) => r.recipient === member.email)).toBe(false);
  });
});

describe("payment failed past the grace period (Stripe's now: the customer's test clock, trialing or not)", () => {
  it("a retry that fails after the grace end says the paid limits are suspended, with no grace date", async () => {
    // The stand-in retries 3, 5 and 7 days after the invoice and cancels after the last: a grace of
    // 4 days ends between the second and the third attempt.
    const grace = env.BILLING_GRACE_DAYS;
    (env as { BILLING_GRACE_DAYS: number }).BILLING_GRACE_DAYS = 4;
    try {
      // The first test's card already had its trial: forget it, so this one trials too (and fails at its end).
      await db.trialClaim.deleteMany({});
      const { owner } = await team();
      await subscribe(owner, "4000000000000341");
      const customer = await customerOf(owner.orgId);
      await advance(customer, 14 * DAY + 60);
      await deliverNew(customer);
      const failed = () => db.notification.findMany({ where: { organizationId: owner.orgId, kind: "payment-failed", recipient: owner.email }, orderBy: { createdAt: "asc" } });
      const [first] = await failed();
      expect(first!.text).toContain("stay on until");
      expect(first!.text).not.toContain("suspended");
      // Day 3 of the invoice by the customer's clock (days ahead of the wall clock): still in grace.
      await advance(customer, 3 * DAY);
      await deliverNew(customer);
      expect((await failed()).at(-1)!.text).toContain("stay on until");
      // Day 5: past the grace end, still past_due.
      await advance(customer, 2 * DAY);
      await deliverNew(customer);
      const later = await failed();
      expect(later).toHaveLength(3);
      expect(later.at(-1)!.text).toContain("limits are suspended");
      expect(later.at(-1)!.text).not.toContain("stay on until");
    } finally {
      (env as { BILLING_GRACE_DAYS: number }).BILLING_GRACE_DAYS = grace;
    }
  });
});
