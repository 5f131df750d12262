import type Stripe from "stripe";
import { describe, expect, it, onTestFinished, vi } from "vitest";

// The reconcile reads the whole account and the test counts its calls: this file has a database
// and a Stripe stand-in of its own, so other files' orgs and calls do not count (isolated-billing.ts).
const iso = await vi.hoisted(async () => (await import("~/test/isolated-billing")).startIsolatedBilling("reconcile"));

const { db } = await import("~/server/clients/db");
const { syncStripeCustomer } = await import("~/server/billing/sync-stripe-customer");
const { ABANDONED_AFTER_MS, INVOICE_WINDOW_MARGIN_MS, reconcileCall, reconcileToEnd, START_POSITION } = await import("~/server/jobs/billing-reconcile");
const { MISSING_SHARE } = await import("~/server/jobs/billing-reconcile-apply");

const sdk = iso.sdk;
const PRO = iso.prices.STRIPE_PRICE_PRO_MONTHLY!;
const N = 250;
const PAGE = 100;
const control = iso.standIn.control;

/** Calls answered since the last reset, for one route. */
const calls = (route: string) => control.counts().byRoute[route] ?? 0;

type Seeded = { orgId: string; customer: string; kind: "paying" | "failing" | "bare" };

/** An org linked to a customer: paying (card + Pro), failing (a card that fails: an open invoice), or bare (nothing). */
async function seed(i: number): Promise<Seeded> {
  const org = await db.organization.create({ data: { name: `Reconcile ${i}` } });
  const customer = await sdk.customers.create({ name: `Reconcile ${i}`, metadata: { organizationId: org.id } });
  await db.organization.update({ where: { id: org.id }, data: { stripeCustomerId: customer.id } });
  const kind = i % 5 === 0 ? "bare" : i % 25 === 1 ? "failing" : "paying";
  if (kind !== "bare") {
    const pm = await sdk.paymentMethods.attach(kind === "failing" ? "pm_card_chargeCustomerFail" : "pm_card_visa", { customer: customer.id });
    await sdk.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    await sdk.subscriptions.create({ customer: customer.id, items: [{ price: PRO }] });
  }
  return { orgId: org.id, customer: customer.id, kind };
}

const seeded: Seeded[] = [];
for (let i = 0; i < N; i += 10) seeded.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => seed(i + k)))));

const omit = <T extends Record<string, unknown>>(row: T) => {
  const { id: _id, createdAt: _c, updatedAt: _u, lastSyncedAt: _l, ...rest } = row as Record<string, unknown>;
  return rest;
};

/** The mirror tables and the org link, without bookkeeping columns. */
async function mirror() {
  const [subscriptions, invoices, paymentMethods, orgs] = await Promise.all([
    db.subscription.findMany({ orderBy: { stripeSubscriptionId: "asc" } }),
    db.invoiceRecord.findMany({ orderBy: { stripeInvoiceId: "asc" } }),
    db.paymentMethod.findMany({ orderBy: { stripePaymentMethodId: "asc" } }),
    db.organization.findMany({
      orderBy: { id: "asc" },
      select: { id: true, stripeCustomerId: true, trialUsedAt: true, subscriptionDriftIds: true, lostStripeCustomerId: true, lostStripeCustomerReason: true },
    }),
  ]);
  return { subscriptions: subscriptions.map(omit), invoices: invoices.map(omit), paymentMethods: paymentMethods.map(omit), orgs };
}

/** The rows the per-customer sync (which reads each customer whole) writes for every linked customer. */
async function perCustomerTruth() {
  const linked = await db.organization.findMany({ where: { stripeCustomerId: { not: null } }, select: { stripeCustomerId: true } });
  for (let i = 0; i < linked.length; i += 10) await Promise.all(linked.slice(i, i + 10).map((o) => syncStripeCustomer(o.stripeCustomerId!)));
  return mirror();
}

const run = (opts: { batchSize?: number; steps?: number } = {}) => reconcileToEnd({ batchSize: opts.batchSize ?? 100, steps: opts.steps });
const listRoutes = ["GET /v1/customers", "GET /v1/subscriptions", "GET /v1/invoices"];

describe("the daily reconcile by list calls", () => {
  it(`first run over ${N} customers: rows equal Stripe's, each list costs at most ceil(N/100) + 2 calls`, async () => {
    control.resetRequests();
    const result = await run();
    expect(result.failed).toEqual([]);
    const counts = control.counts().byRoute;
    for (const route of listRoutes) expect(counts[route] ?? 0).toBeLessThanOrEqual(Math.ceil(N / PAGE) + 2);
    expect(calls("GET /v1/customers")).toBeGreaterThanOrEqual(Math.ceil(N / PAGE));
    // The first run reads every customer's cards (none stored yet); nothing is read one by one otherwise.
    expect(calls("GET /v1/customers/:id/payment_methods")).toBe(N);
    expect(calls("GET /v1/customers/:id")).toBe(0);
    expect(calls("GET /v1/invoices/:id")).toBe(0);

    const reconciled = await mirror();
    expect(reconciled.subscriptions.length).toBe(seeded.filter((s) => s.kind !== "bare").length);
    expect(reconciled.invoices.filter((i) => i.status === "open").length).toBe(seeded.filter((s) => s.kind === "failing").length);
    expect(reconciled).toEqual(await perCustomerTruth());
    expect(await db.billingReconcileItem.count()).toBe(0); // staging removed once the run is done
  });

  it("a second run with nothing changed reads no cards and changes no row", async () => {
    const before = await mirror();
    control.resetRequests();
    expect((await run()).failed).toEqual([]);
    expect(calls("GET /v1/customers/:id/payment_methods")).toBe(0);
    expect(calls("GET /v1/customers/:id")).toBe(0);
    expect(await mirror()).toEqual(before);
  });

  it("catches a changed card, an invoice paid after the window, and a deleted customer (unlinked)", async () => {
    const [carded, deleted] = seeded.filter((s) => s.kind === "paying");
    const failing = seeded.find((s) => s.kind === "failing")!;
    // A new default card at Stripe, no webhook.
    const card = await sdk.paymentMethods.attach("pm_card_mastercard", { customer: carded!.customer });
    await sdk.customers.update(carded!.customer, { invoice_settings: { default_payment_method: card.id } });
    // The open invoice paid with a new card; the window is moved past every invoice so only its
    // stored open status can bring it back.
    const open = await db.invoiceRecord.findFirstOrThrow({ where: { organizationId: failing.orgId, status: "open" } });
    // (The customer makes the new card its default, as the portal does: a card attached without
    // becoming the default and without an event reaching us is what the change check misses.)
    const payWith = await sdk.paymentMethods.attach("pm_card_visa", { customer: failing.customer });
    await sdk.customers.update(failing.customer, { invoice_settings: { default_payment_method: payWith.id } });
    await sdk.invoices.pay(open.stripeInvoiceId, { payment_method: payWith.id });
    const earlier = await db.billingReconcileRun.findMany({ where: { status: "done" }, select: { id: true } });
    const later = new Date(Date.now() + 3 * 86_400_000);
    await db.billingReconcileRun.updateMany({ where: { status: "done" }, data: { startedAt: later, invoicesListedAt: later } });
    onTestFinished(async () => {
      const back = new Date(Date.now() - 86_400_000);
      await db.billingReconcileRun.updateMany({ where: { id: { in: earlier.map((r) => r.id) } }, data: { startedAt: back, invoicesListedAt: back } });
    });
    await sdk.customers.del(deleted!.customer);

    control.resetRequests();
    expect((await run()).failed).toEqual([]);
    expect(await db.paymentMethod.findUnique({ where: { stripePaymentMethodId: card.id } })).toMatchObject({ organizationId: carded!.orgId, isDefault: true, brand: "mastercard" });
    expect(await db.invoiceRecord.findUnique({ where: { stripeInvoiceId: open.stripeInvoiceId } })).toMatchObject({ status: "paid" });
    expect(await db.organization.findUnique({ where: { id: deleted!.orgId } })).toMatchObject({
      stripeCustomerId: null,
      lostStripeCustomerId: deleted!.customer,
      lostStripeCustomerReason: "deleted",
    });
    expect(calls("GET /v1/customers/:id")).toBe(1); // only the customer missing from the list
    expect(calls("GET /v1/customers/:id/payment_methods")).toBeLessThanOrEqual(3);
    expect(calls("GET /v1/invoices/:id")).toBe(1);
    expect(await mirror()).toEqual(await perCustomerTruth());
  });

  it("when a large share of linked customers is missing (another account's key), unlinks nothing and fails the run", async () => {
    const linked = await db.organization.findMany({ where: { stripeCustomerId: { not: null } }, orderBy: { id: "asc" }, select: { id: true, stripeCustomerId: true } });
    const foreign = linked.slice(0, Math.ceil(linked.length * MISSING_SHARE) + 1);
    await Promise.all(foreign.map((o, i) => db.organization.update({ where: { id: o.id }, data: { stripeCustomerId: `cus_otheraccount${i}` } })));
    onTestFinished(() => Promise.all(foreign.map((o) => db.organization.update({ where: { id: o.id }, data: { stripeCustomerId: o.stripeCustomerId } }))).then(() => undefined));
    const errors = vi.spyOn(console, "error");
    onTestFinished(() => errors.mockRestore());
    const before = await mirror();

    await expect(run()).rejects.toMatchObject({ code: "INTERNAL", details: { reason: "customers_missing", missing: foreign.length } });
    expect(await mirror()).toEqual(before);
    expect(await db.organization.count({ where: { lostStripeCustomerId: { startsWith: "cus_otheraccount" } } })).toBe(0);
    const failed = await db.billingReconcileRun.findFirstOrThrow({ where: { status: "failed" } });
    expect(await db.billingReconcileItem.count({ where: { runId: failed.id } })).toBe(0);
    expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)) as { level: string; msg?: string }).some((l) => l.level === "error")).toBe(true);
  });

  it("a run split over many calls (one step each) writes the same rows as one call", async () => {
    // A customer whose subscriptions span list pages: its first is among the oldest (the last
    // page), two more are the newest (the first page).
    const multi = seeded.filter((s) => s.kind === "paying").at(-1)!;
    for (let i = 0; i < 2; i++) await sdk.subscriptions.create({ customer: multi.customer, items: [{ price: PRO }] });
    expect((await sdk.subscriptions.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).length).toBeGreaterThan(PAGE);
    await syncStripeCustomer(multi.customer);
    const before = await mirror();
    expect(before.subscriptions.filter((s) => s.organizationId === multi.orgId)).toHaveLength(3);
    // The mirror of every linked org, wiped (an unlinked org's invoices stay as history, untouched).
    await db.subscription.deleteMany({});
    await db.invoiceRecord.deleteMany({ where: { organization: { stripeCustomerId: { not: null } } } });
    const split = await run({ batchSize: 7, steps: 1 });
    expect(split.calls).toBeGreaterThan(Math.ceil(N / 7));
    // Right after the split run: the same rows as before the wipe.
    expect(await mirror()).toEqual(before);
    // A time budget too small for a second step: one step per call, still to the end.
    const timed = await reconcileToEnd({ batchSize: 50, budgetMs: 1 });
    expect(timed.calls).toBeGreaterThanOrEqual(Math.ceil(N / PAGE) + 2 + Math.ceil(N / 50));
    expect(split.failed).toEqual([]);
    // Every invoice was created within the window (the last run's start minus the margin).
    expect(await mirror()).toEqual(before);
  });

  it("a call repeated at the same position, even 5 times at once, moves the run on once; a late one does nothing", async () => {
    const runId = `repeat-${Date.now()}`;
    const first = await reconcileCall(runId, { from: START_POSITION, batchSize: 50, steps: 1 });
    expect(first.next).toMatch(/^customers:|^subscriptions:/);
    control.resetRequests();
    const late = await reconcileCall(runId, { from: START_POSITION, batchSize: 50, steps: 1 });
    expect(late).toMatchObject({ stale: true, next: first.next });
    expect(control.counts().total).toBe(0);

    const racing = await Promise.allSettled(Array.from({ length: 5 }, () => reconcileCall(runId, { from: first.next, batchSize: 50, steps: 1 })));
    const moved = racing.filter((r) => r.status === "fulfilled" && !r.value.stale);
    expect(moved).toHaveLength(1);
    for (const r of racing) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT" });
    const position = (moved[0] as PromiseFulfilledResult<{ next: string | null }>).value.next;
    const runRow = await db.billingReconcileRun.findUniqueOrThrow({ where: { id: runId } });
    expect(`${runRow.phase}:${runRow.cursor ?? ""}`).toBe(position);
    let from = position;
    while (from) from = (await reconcileCall(runId, { from, batchSize: 50 })).next;
    expect(await db.billingReconcileRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "done" });
  });

  it("a webhook sync that lands while the reconcile runs is not overwritten by what the reconcile listed", async () => {
    const target = seeded.find((s) => s.kind === "paying" && s.orgId !== seeded.filter((x) => x.kind === "paying")[1]!.orgId)!;
    const sub = (await sdk.subscriptions.list({ customer: target.customer, limit: 1 })).data[0] as Stripe.Subscription;
    const runId = `ticket-${Date.now()}`;
    // Every listing step, and not one org applied yet.
    let call = await reconcileCall(runId, { from: START_POSITION, batchSize: 50, steps: 1 });
    while (!call.next!.startsWith("apply:")) call = await reconcileCall(runId, { from: call.next, batchSize: 50, steps: 1 });
    expect(call.next).toBe("apply:");
    // After the listing: a change at Stripe and its webhook's sync, which started reading later.
    await sdk.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await syncStripeCustomer(target.customer);
    while (call.next) call = await reconcileCall(runId, { from: call.next, batchSize: 50 });
    expect(await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: sub.id } })).toMatchObject({ cancelAtPeriodEnd: true });
  });

  it("a run whose chain was lost is marked failed, a recent one superseded, and their staging removed when a new run starts", async () => {
    const lost = await db.billingReconcileRun.create({
      data: { id: `lost-${Date.now()}`, ticket: 1n, phase: "subscriptions", startedAt: new Date(Date.now() - ABANDONED_AFTER_MS - 60_000) },
    });
    await db.billingReconcileItem.create({ data: { runId: lost.id, kind: "customer", stripeId: "cus_lost", stripeCustomerId: "cus_lost", payload: {} } });
    const recent = await db.billingReconcileRun.create({ data: { id: `recent-${Date.now()}`, ticket: 2n, phase: "customers" } });
    await db.billingReconcileItem.create({ data: { runId: recent.id, kind: "customer", stripeId: "cus_recent", stripeCustomerId: "cus_recent", payload: {} } });
    await reconcileCall(`after-lost-${Date.now()}`, { from: START_POSITION, batchSize: 50, steps: 1 });
    expect(await db.billingReconcileRun.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ status: "failed" });
    expect(await db.billingReconcileItem.count({ where: { runId: lost.id } })).toBe(0);
    // A recent run still running is not failed: it is superseded by the newer one, its chain stops
    // at its next call without calling Stripe, and its staging goes.
    expect(await db.billingReconcileRun.findUniqueOrThrow({ where: { id: recent.id } })).toMatchObject({ status: "superseded" });
    expect(await db.billingReconcileItem.count({ where: { runId: recent.id } })).toBe(0);
    control.resetRequests();
    expect(await reconcileCall(recent.id, { from: START_POSITION, batchSize: 50 })).toMatchObject({ next: null, stale: true });
    expect(control.counts().total).toBe(0);
  });
  it("a listing cursor whose object left the list between calls (its customer deleted) resumes, lists the rest and converges", async () => {
    const runId = `stale-cursor-${Date.now()}`;
    const first = await reconcileCall(runId, { from: START_POSITION, batchSize: 50, steps: 1 });
    expect(first.next).toMatch(/^customers:cus_/);
    const gone = first.next!.slice("customers:".length).split("@")[0]!;
    const org = await db.organization.findFirstOrThrow({ where: { stripeCustomerId: gone } });
    await sdk.customers.del(gone);
    await syncStripeCustomer(gone); // its webhook: the run staged it before it went
    let from = first.next;
    while (from) from = (await reconcileCall(runId, { from, batchSize: 50, steps: 1 })).next;
    const done = await db.billingReconcileRun.findUniqueOrThrow({ where: { id: runId } });
    expect(done.status).toBe("done");
    // Every customer still at Stripe was listed (none skipped by the resume), and the deleted one is unlinked.
    const atStripe = await sdk.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    expect((done.counts as Record<string, number>).customers).toBeGreaterThanOrEqual(atStripe.length);
    expect(await db.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ stripeCustomerId: null, lostStripeCustomerReason: "deleted" });
    expect(await mirror()).toEqual(await perCustomerTruth());
  });
  it("an apply step stops at the deadline after any org (the cursor is the last org handled), and skips orgs already written at the run's ticket without calling Stripe", async () => {
    const runId = `deadline-${Date.now()}`;
    let call = await reconcileCall(runId, { from: START_POSITION, batchSize: 500, steps: 1 });
    while (!call.next!.startsWith("apply:")) call = await reconcileCall(runId, { from: call.next, batchSize: 500, steps: 1 });
    const linked = await db.organization.findMany({ where: { stripeCustomerId: { not: null } }, orderBy: { id: "asc" }, select: { id: true } });
    // A 1 ms budget: one org, not the whole batch of 500.
    call = await reconcileCall(runId, { from: call.next, batchSize: 500, budgetMs: 1 });
    expect(call.next).toBe(`apply:${linked[0]!.id}`);
    let row = await db.billingReconcileRun.findUniqueOrThrow({ where: { id: runId } });
    expect(row.counts).toMatchObject({ applied: 1 });
    // As if an earlier attempt of the next step wrote every other org before it crashed.
    await db.organization.updateMany({ where: { id: { in: linked.slice(1).map((o) => o.id) } }, data: { stripeSyncTicket: row.ticket } });
    control.resetRequests();
    while (call.next) call = await reconcileCall(runId, { from: call.next, batchSize: 500 });
    expect(control.counts().total).toBe(0);
    row = await db.billingReconcileRun.findUniqueOrThrow({ where: { id: runId } });
    expect(row).toMatchObject({ status: "done", counts: expect.objectContaining({ applied: 1, skipped: linked.length - 1 }) });
  });
  it("outside the invoice window: a stored uncollectible invoice is read again, rows Stripe never had are deleted, a never-synced org is read whole", async () => {
    // The window starts now: every seeded invoice is older.
    const since = new Date();
    const earlier = await db.billingReconcileRun.findMany({ where: { status: "done" }, select: { id: true, invoicesListedAt: true } });
    await db.billingReconcileRun.updateMany({ where: { status: "done" }, data: { invoicesListedAt: new Date(since.getTime() + INVOICE_WINDOW_MARGIN_MS) } });
    onTestFinished(async () => {
      for (const r of earlier) await db.billingReconcileRun.update({ where: { id: r.id }, data: { invoicesListedAt: r.invoicesListedAt } });
    });
    const withPaid = await db.organization.findMany({
      where: { stripeCustomerId: { not: null }, invoices: { some: { status: "paid" } }, subscriptions: { every: { status: "active" } } },
      orderBy: { id: "asc" },
      take: 3,
      select: { id: true },
    });
    const [a, b, c] = withPaid.map((o) => o.id);
    // a: a paid invoice stored as uncollectible (as if it was, then got paid with no event reaching us).
    const paid = await db.invoiceRecord.findFirstOrThrow({ where: { organizationId: a!, status: "paid" } });
    await db.invoiceRecord.update({ where: { id: paid.id }, data: { status: "uncollectible" } });
    // b: two rows Stripe does not have: one created in the window, one open from long ago.
    const template = await db.invoiceRecord.findFirstOrThrow({ where: { organizationId: b! } });
    const { id: _id, createdAt: _c, updatedAt: _u, lines: _l, ...fields } = template;
    const phantoms = [`in_phantom_recent_${Date.now()}`, `in_phantom_old_${Date.now()}`];
    await db.invoiceRecord.create({ data: { ...fields, stripeInvoiceId: phantoms[0]!, stripeCreatedAt: new Date(), status: "paid" } });
    await db.invoiceRecord.create({ data: { ...fields, stripeInvoiceId: phantoms[1]!, stripeCreatedAt: new Date("2020-01-01T00:00:00Z"), status: "open" } });
    // c: never synced, its invoice rows not stored.
    const cInvoices = await db.invoiceRecord.count({ where: { organizationId: c! } });
    await db.invoiceRecord.deleteMany({ where: { organizationId: c! } });
    await db.organization.update({ where: { id: c! }, data: { stripeSyncTicket: null } });

    control.resetRequests();
    const result = await run();
    expect(result.failed).toEqual([]);
    expect(await db.invoiceRecord.findUniqueOrThrow({ where: { id: paid.id } })).toMatchObject({ status: "paid" });
    expect(await db.invoiceRecord.count({ where: { stripeInvoiceId: { in: phantoms } } })).toBe(0);
    expect(await db.invoiceRecord.count({ where: { organizationId: c! } })).toBe(cInvoices);
    expect(calls("GET /v1/customers/:id")).toBeGreaterThanOrEqual(1); // c, read whole
    expect(await mirror()).toEqual(await perCustomerTruth());
  });
  it("orgs linked after the listing began are not counted as missing by the guard; they are read whole", async () => {
    const runId = `linked-later-${Date.now()}`;
    let call = await reconcileCall(runId, { from: START_POSITION, batchSize: 100, steps: 1 });
    while (!call.next!.startsWith("apply:")) call = await reconcileCall(runId, { from: call.next, batchSize: 100, steps: 1 });
    // More customers linked after the listing than the guard's share of all linked ones.
    const linked = await db.organization.count({ where: { stripeCustomerId: { not: null } } });
    const later = Math.ceil((linked * MISSING_SHARE) / (1 - MISSING_SHARE)) + 5;
    const added: Seeded[] = [];
    for (let i = 0; i < later; i += 10) added.push(...(await Promise.all(Array.from({ length: Math.min(10, later - i) }, (_, k) => seed(10_000 + i + k)))));
    while (call.next) call = await reconcileCall(runId, { from: call.next, batchSize: 100 });
    expect(await db.billingReconcileRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "done" });
    expect(await db.organization.count({ where: { id: { in: added.map((a) => a.orgId) }, stripeCustomerId: null } })).toBe(0);
    expect(await db.subscription.count({ where: { organizationId: { in: added.map((a) => a.orgId) } } })).toBe(added.filter((a) => a.kind !== "bare").length);
  });
});
