import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/server/clients/db";
import { enqueueNotification } from "~/server/notifications/enqueue";
import { sendDueNotifications } from "~/server/notifications/send";
import { MAX_SKEW_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "~/server/notifications/sendgrid-event-signature";
import { sendGridEventsRoute } from "~/server/rest/sendgrid";
import { makeUser } from "~/test/factories";
import { importWithEnv, sendGridStandIn } from "~/test/sendgrid";

// The sender claims every due row of its database: this file has one of its own. The route is
// served over HTTP so the stand-in posts to it exactly as SendGrid would.
const app = await vi.hoisted(async () => {
  await (await import("~/test/isolated-billing")).startIsolatedBilling("sendgrid_events");
  return (await import("~/test/qstash-app")).startQStashApp();
});
const ROUTE = "/api/webhooks/sendgrid";
app.serve(ROUTE, sendGridEventsRoute);
/** What the stand-in posted last, as it arrived: for replays and tampering. */
let captured: { body: string; headers: Headers } | null = null;
app.serve("/capture", async (req) => {
  captured = { body: await req.text(), headers: req.headers };
  return new Response("ok");
});
afterAll(() => app.close());

const standIn = sendGridStandIn();
beforeEach(() => standIn.reset());
afterEach(() => vi.useRealTimers());

let seq = 0;
const address = (what: string) => `${what}-${Date.now()}-${++seq}@example.test`;
const post = (events: Record<string, unknown>[]) => standIn.postEvents(`${app.origin}${ROUTE}`, events);
const suppressions = (emails: string[]) => db.emailSuppression.findMany({ where: { email: { in: emails } }, orderBy: { email: "asc" } });

/** A batch signed by the stand-in, captured rather than delivered. */
async function signedBatch(events: Record<string, unknown>[]) {
  await standIn.postEvents(`${app.origin}/capture`, events);
  const batch = captured!;
  captured = null;
  return batch;
}
const deliver = (batch: { body: string; headers: Headers }, headers = batch.headers) =>
  sendGridEventsRoute(new Request(`http://localhost${ROUTE}`, { method: "POST", headers, body: batch.body }));

describe("POST /api/webhooks/sendgrid", () => {
  it("suppresses bounced, dropped and spam-reporting addresses; a redelivered batch changes nothing", async () => {
    const [bounced, dropped, reported, blocked, delivered] = ["bounced", "dropped", "reported", "blocked", "delivered"].map(address) as [string, string, string, string, string];
    const events = [
      { event: "bounce", email: bounced.toUpperCase() },
      { event: "dropped", email: dropped },
      { event: "spamreport", email: reported },
      // A temporary block is retried by SendGrid: not undeliverable.
      { event: "bounce", type: "blocked", email: blocked },
      { event: "delivered", email: delivered },
      { event: "open", email: delivered },
    ];
    const first = await post(events);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ received: true, suppressed: 3, unsubscribed: 0, ignored: 3 });
    const rows = await suppressions([bounced, dropped, reported, blocked, delivered]);
    expect(rows.map((r) => [r.email, r.reason])).toEqual([
      [bounced, "bounce"],
      [dropped, "dropped"],
      [reported, "spamreport"],
    ]);
    const bounceEvent = first.events[0]!;
    expect(rows[0]).toMatchObject({ eventId: bounceEvent.sg_event_id, lastEventAt: new Date(Number(bounceEvent.timestamp) * 1000) });

    // SendGrid redelivers the very same batch (it retries for 72 h): nothing changes.
    const batch = await signedBatch(events.slice(0, 3));
    expect((await deliver(batch)).status).toBe(200);
    const before = await suppressions([bounced, dropped, reported]);
    const again = await deliver(batch);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ suppressed: 0 });
    expect(await suppressions([bounced, dropped, reported])).toEqual(before);
  });

  it("turns off the usage alerts of a user who unsubscribed, twice as once", async () => {
    const u = await makeUser();
    const other = await makeUser();
    for (const event of ["unsubscribe", "group_unsubscribe"]) {
      const res = await post([{ event, email: u.email }]);
      expect(res.status).toBe(200);
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: u.user.id }, select: { usageAlertEmails: true } })).toEqual({ usageAlertEmails: false });
    expect(await db.user.findUniqueOrThrow({ where: { id: other.user.id }, select: { usageAlertEmails: true } })).toEqual({ usageAlertEmails: true });
    expect(await suppressions([u.email])).toEqual([]); // unsubscribing is not undeliverable: payment emails still go
  });

  it("refuses a tampered, unsigned or stale batch with 4xx and writes nothing", async () => {
    const email = address("tampered");
    const original = address("original");
    const batch = await signedBatch([{ event: "bounce", email: original }]);
    const tampered = { ...batch, body: batch.body.replace(/"email":"[^"]+"/, `"email":"${email}"`) };
    const bad = await deliver(tampered);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ reason: "signature_invalid" });

    const unsigned = new Headers(batch.headers);
    unsigned.delete(SIGNATURE_HEADER);
    const missing = await deliver(tampered, unsigned);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ reason: "signature_missing" });

    const garbage = new Headers(batch.headers);
    garbage.set(SIGNATURE_HEADER, "not-a-signature");
    expect((await deliver(batch, garbage)).status).toBe(400);

    // The genuine batch captured and replayed later than the window allows.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Number(batch.headers.get(TIMESTAMP_HEADER)) * 1000 + (MAX_SKEW_SECONDS + 60) * 1000);
    const stale = await deliver(batch);
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({ reason: "timestamp_stale" });
    vi.useRealTimers();

    const tooBig = await sendGridEventsRoute(
      new Request(`http://localhost${ROUTE}`, { method: "POST", headers: batch.headers, body: "[" + " ".repeat(3 * 1024 * 1024) + "]" }),
    );
    expect(tooBig.status).toBe(413);
    expect(await suppressions([email, original])).toEqual([]);
  });

  it("answers 503 not_configured without a verification key, whatever the batch", async () => {
    const email = address("unconfigured");
    const batch = await signedBatch([{ event: "bounce", email }]);
    const { sendGridEventsRoute: unconfigured } = await importWithEnv({ SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: "" }, () => import("~/server/rest/sendgrid"));
    const res = await unconfigured(new Request(`http://localhost${ROUTE}`, { method: "POST", headers: batch.headers, body: batch.body }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ reason: "not_configured" });
    expect(await suppressions([email])).toEqual([]);
  });
});

describe("the sender and suppressed addresses", () => {
  it("marks a suppressed recipient's row FAILED for good without calling SendGrid, and sends the others", async () => {
    const bounced = address("sender-bounced");
    const fine = address("sender-fine");
    expect((await post([{ event: "bounce", email: bounced }])).status).toBe(200);
    await db.$transaction((tx) =>
      enqueueNotification(tx, { kind: "invoice.paid", dedupeKey: `suppressed-${seq}`, recipients: [bounced, fine], subject: "Paid", html: "<p>Paid</p>", text: "Paid" }),
    );
    const attempts = standIn.sendAttempts();
    expect(await sendDueNotifications()).toMatchObject({ sent: 1, failed: 1, retrying: 0 });
    expect(standIn.sendAttempts()).toBe(attempts + 1);
    expect(standIn.messages(bounced)).toEqual([]);
    expect(standIn.messages(fine)).toHaveLength(1);
    const row = await db.notification.findUniqueOrThrow({ where: { dedupeKey_recipient: { dedupeKey: `suppressed-${seq}`, recipient: bounced } } });
    expect(row).toMatchObject({ status: "FAILED", nextAttemptAt: null, providerMessageId: null });
    expect(row.lastError).toMatch(/undeliverable \(bounce at /);
    // Nothing more happens to it later.
    expect(await sendDueNotifications()).toMatchObject({ sent: 0, failed: 0 });
  });
});
