import { afterAll, describe, expect, it, vi } from "vitest";
import { customerUpdatedEvent } from "../../../e2e/stand-ins/stripe/synthetic-events";
import { env } from "~/env";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { db } from "~/server/clients/db";
import { DRAIN_LEASE_NAME, DRAIN_LEASE_SECONDS, handleBillingEventsDelivery } from "~/server/jobs/billing-events-delivery";
import { takeLease } from "~/server/jobs/job-lease";
import { JOB_PATHS } from "~/server/jobs/job-routes";
import { JOB_SCHEDULES, registerSchedules } from "~/server/jobs/schedules";
import { billingEventsJobRoute } from "~/server/rest/jobs";
import { makeUser } from "~/test/factories";
import { deliver } from "~/test/stripe";

// APP_URL is the public https://billing.vantflow.test; the route listens on 127.0.0.1 elsewhere.
// The drain here is the real, unrestricted one: it gets a database and a Stripe stand-in of its
// own, so it never takes another file's waiting events (and syncs them against the wrong Stripe).
const app = await vi.hoisted(async () => {
  await (await import("~/test/isolated-billing")).startIsolatedBilling("drain");
  return (await import("~/test/qstash-app")).startQStashApp();
});
const PATH = JOB_PATHS.billingEvents;
app.serve(PATH, billingEventsJobRoute);
afterAll(() => app.close());

const MINUTELY = JOB_SCHEDULES.find((s) => s.path === PATH)!;

/** An org's customer with one stored event whose after-response processing never ran (a crash). */
async function customerWithWaitingEvent() {
  const { organization } = await makeUser("Drained by QStash");
  const customer = await ensureStripeCustomer(organization.id);
  const event = customerUpdatedEvent(customer, "evt_drain");
  expect(await deliver(event, { runAfter: false })).toMatchObject({ status: 200, body: { status: "queued" } });
  await new Promise((resolve) => setTimeout(resolve, env.BILLING_EVENT_DEBOUNCE_MS + 50)); // past the debounce: due
  return { orgId: organization.id, customer, eventId: event.id };
}
const eventRow = (stripeEventId: string) => db.billingEvent.findUniqueOrThrow({ where: { stripeEventId } });

describe("POST /api/jobs/billing-events, called by QStash at APP_URL", () => {
  it("is scheduled every minute and, when the schedule fires, processes events left waiting", async () => {
    expect(MINUTELY.cron).toBe("* * * * *");
    const { orgId, eventId } = await customerWithWaitingEvent();
    await registerSchedules(app.client, env.APP_URL);
    const messageId = app.standIn.fireSchedule(MINUTELY.scheduleId);
    await app.standIn.settle();

    const fired = app.standIn.messages.get(messageId)!;
    expect(fired.url).toBe(`https://billing.vantflow.test${PATH}`);
    expect(fired.attempts.map((a) => a.status)).toEqual([200]);
    expect(await eventRow(eventId)).toMatchObject({ status: "PROCESSED", attempts: 1, organizationId: orgId });
    const delivery = await db.jobDelivery.findUniqueOrThrow({ where: { messageId } });
    expect(delivery).toMatchObject({ job: "billing-events", status: "DONE", attempts: 1 });
    expect(delivery.result).toMatchObject({ runId: messageId, round: 1, continued: false });
  });

  it("a call out of time with customers still due enqueues the run's next round once, and that round drains them", async () => {
    const { eventId } = await customerWithWaitingEvent();
    const runId = `msg_run_${Date.now()}`;
    const first = await handleBillingEventsDelivery({ messageId: runId, retried: 0, body: {} }, { budgetMs: 0 });
    expect(first).toMatchObject({ status: "done", result: { runId, round: 1, more: true, continued: true } });
    // The same round run again under another message (QStash redelivered its parent): deduplicated.
    await handleBillingEventsDelivery({ messageId: `${runId}_again`, retried: 0, body: { runId, round: 1 } }, { budgetMs: 0 });
    const next = [...app.standIn.messages.values()].filter((m) => m.body.toString() === JSON.stringify({ runId, round: 2 }));
    expect(next).toHaveLength(1);
    expect(next[0]!.url).toBe(`https://billing.vantflow.test${PATH}`);

    await app.standIn.settle();
    expect(next[0]!.attempts.map((a) => a.status)).toEqual([200]);
    expect(await eventRow(eventId)).toMatchObject({ status: "PROCESSED" });
  });

  it("one live drain run at a time: a firing while another run holds the lease exits at once; a crashed run's lease expires", async () => {
    const { eventId, orgId } = await customerWithWaitingEvent();
    expect(await takeLease(DRAIN_LEASE_NAME, "run_live_elsewhere", DRAIN_LEASE_SECONDS)).toBe(true);
    const fired = await handleBillingEventsDelivery({ messageId: `msg_cron_${Date.now()}`, retried: 0, body: {} });
    expect(fired).toMatchObject({ status: "done", result: { skipped: "another_run_is_live" } });
    expect(await eventRow(eventId)).toMatchObject({ status: "RECEIVED", attempts: 0 });
    // The live run's later round still holds it: it renews its own lease.
    expect(await takeLease(DRAIN_LEASE_NAME, "run_live_elsewhere", DRAIN_LEASE_SECONDS)).toBe(true);

    // That run crashed: its lease runs out, and the next firing drains.
    await db.jobLease.update({ where: { name: DRAIN_LEASE_NAME }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const next = await handleBillingEventsDelivery({ messageId: `msg_cron_${Date.now()}_2`, retried: 0, body: {} });
    expect(next).toMatchObject({ status: "done", result: { continued: false } });
    expect(await eventRow(eventId)).toMatchObject({ status: "PROCESSED", organizationId: orgId });
    expect(await db.jobLease.findUnique({ where: { name: DRAIN_LEASE_NAME } })).toBeNull(); // released at the run's end
  });

  it("20 runs taking the drain's lease at once: exactly one gets it", async () => {
    const name = `race-${Date.now()}`;
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => takeLease(name, `run_${i}`, 60)));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it("a body that is not a drain message is refused before anything is recorded (the route's 400)", async () => {
    const messageId = `msg_bad_${Date.now()}`;
    expect(() => handleBillingEventsDelivery({ messageId, retried: 0, body: { round: "two" } })).toThrow(/expected number/);
    expect(await db.jobDelivery.findUnique({ where: { messageId } })).toBeNull();
  });
  // Last: it moves the stand-in's clock ahead of the real one, so its signatures no longer verify.
  it("the stand-in fires the every-minute cron once a minute, at the drain's public URL", async () => {
    await registerSchedules(app.client, env.APP_URL);
    for (const other of JOB_SCHEDULES.filter((s) => s !== MINUTELY)) await app.client.schedules.delete(other.scheduleId);
    const fired = () => [...app.standIn.messages.values()].filter((m) => m.scheduleId === MINUTELY.scheduleId);
    const before = fired().length;
    app.standIn.advance(3 * 60_000);
    const firings = fired().slice(before);
    expect(firings.map((m) => m.url)).toEqual(Array(3).fill(`https://billing.vantflow.test${PATH}`));
  });
});
