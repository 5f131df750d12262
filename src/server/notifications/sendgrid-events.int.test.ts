import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/server/clients/db";
import { enqueueNotification } from "~/server/notifications/enqueue";
import { parseSendGridEvents } from "~/server/notifications/email-suppressions";
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
    expect(JSON.parse(first.body)).toEqual({ received: true, suppressed: 3, lifted: 0, unsubscribed: 0, ignored: 2 });
    const rows = await suppressions([bounced, dropped, reported, blocked, delivered]);
    // A delivery is recorded too (unsuppressed), so an older bounce arriving later changes nothing.
    expect(rows.map((r) => [r.email, r.reason, r.suppressed])).toEqual([
      [bounced, "bounce", true],
      [delivered, "delivered", false],
      [dropped, "dropped: Bounced Address", true],
      [reported, "spamreport", true],
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

  it("a dropped event suppresses only for SendGrid's address reasons", async () => {
    const reasons = {
      "Bounced Address": true,
      "Spam Reporting Address": true,
      Invalid: true,
      // SendGrid's own unsubscribe list: our payment email does not use it.
      "Unsubscribed Address": false,
      "Recipient List over Package Quota": false,
      "Spam Content (if spam checker app enabled)": false,
      "Invalid SMTPAPI header": false,
    };
    const cases = Object.entries(reasons).map(([reason, suppresses]) => ({ email: address("drop"), reason, suppresses }));
    const res = await post(cases.map(({ email, reason }) => ({ event: "dropped", email, reason })));
    expect(JSON.parse(res.body)).toMatchObject({ suppressed: 3, ignored: 4 });
    const rows = await suppressions(cases.map((c) => c.email));
    expect(rows.map((r) => r.email).sort()).toEqual(cases.filter((c) => c.suppresses).map((c) => c.email).sort());
    for (const row of rows) expect(row.suppressed).toBe(true);
  });

  it("orders by event time: a newer delivery lifts a suppression, an older event arriving later changes nothing", async () => {
    const email = address("ordered");
    const t = Math.floor(Date.now() / 1000) - 3600;
    const state = async () => (await suppressions([email]))[0];

    expect(JSON.parse((await post([{ event: "bounce", email, timestamp: t }])).body)).toMatchObject({ suppressed: 1 });
    // A delivery from before the bounce, delivered late: still suppressed.
    expect(JSON.parse((await post([{ event: "delivered", email, timestamp: t - 60 }])).body)).toMatchObject({ suppressed: 0, lifted: 0 });
    expect(await state()).toMatchObject({ suppressed: true, reason: "bounce" });

    // A newer delivery lifts it; the sender mails the address again.
    expect(JSON.parse((await post([{ event: "delivered", email, timestamp: t + 60 }])).body)).toMatchObject({ lifted: 1 });
    expect(await state()).toMatchObject({ suppressed: false, reason: "delivered", lastEventAt: new Date((t + 60) * 1000) });
    // A spam report and a bounce older than that delivery, arriving after it: nothing changes.
    expect(JSON.parse((await post([{ event: "spamreport", email, timestamp: t + 30 }, { event: "bounce", email, timestamp: t + 59 }])).body)).toMatchObject({
      suppressed: 0,
    });
    expect(await state()).toMatchObject({ suppressed: false, lastEventAt: new Date((t + 60) * 1000) });
    await db.$transaction((tx) =>
      enqueueNotification(tx, { kind: "invoice.paid", dedupeKey: `lifted-${seq}`, recipients: [email], subject: "Paid", html: "<p>Paid</p>", text: "Paid" }),
    );
    expect(await sendDueNotifications()).toMatchObject({ sent: 1, failed: 0 });
    expect(standIn.messages(email)).toHaveLength(1);

    // Within one batch the newest event of the address wins, whatever its place in the array.
    const other = address("in-batch");
    await post([{ event: "delivered", email: other, timestamp: t + 10 }, { event: "bounce", email: other, timestamp: t }]);
    expect((await suppressions([other]))[0]).toMatchObject({ suppressed: false, reason: "delivered" });
  });

  it("a malformed event is ignored; the batch's valid events still apply", async () => {
    const [good, late, bad] = ["good", "late", "bad"].map(address) as [string, string, string];
    const res = await post([
      { event: "bounce", email: good },
      { event: "bounce", email: 42 },
      { event: "bounce", email: bad, timestamp: "yesterday" },
      { event: 7, email: bad },
      { event: "spamreport", email: late },
    ]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ received: true, suppressed: 2, lifted: 0, unsubscribed: 0, ignored: 3 });
    expect((await suppressions([good, late, bad])).map((r) => r.email).sort()).toEqual([good, late].sort());
  });

  it("applies a large batch at once: 300 addresses, each suppressed once", async () => {
    const emails = Array.from({ length: 300 }, () => address("bulk"));
    const res = await post(emails.flatMap((email) => [{ event: "bounce", email }, { event: "dropped", email, reason: "Bounced Address" }]));
    expect(JSON.parse(res.body)).toMatchObject({ suppressed: 300, ignored: 0 });
    expect(await db.emailSuppression.count({ where: { email: { in: emails }, suppressed: true } })).toBe(300);
  });

  it("only a body that is not a JSON array is refused whole (400 invalid_events)", () => {
    for (const body of ["{}", "not json", '"text"']) {
      expect(() => parseSendGridEvents(body)).toThrow(expect.objectContaining({ code: "BAD_REQUEST", details: { reason: "invalid_events" } }));
    }
    expect(parseSendGridEvents('[1, {"event": "bounce"}, {"event": "bounce", "email": "a@b.co", "timestamp": 1}]')).toMatchObject({ malformed: 2, events: [{ email: "a@b.co" }] });
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

  it("refuses a tampered, unsigned or stale batch with 4xx and writes nothing; bad signatures and stale ones are logged at warn", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
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

    const logged = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    warn.mockRestore();
    expect(logged.map((l) => [l.level, l.message, l.reason])).toEqual([
      ["warn", "sendgrid events: batch refused", "signature_invalid"],
      ["warn", "sendgrid events: batch refused", "signature_invalid"],
      ["warn", "sendgrid events: batch refused", "timestamp_stale"],
    ]);
    // Neither the body (an address in it) nor the signature reaches the log.
    const text = JSON.stringify(logged);
    expect(text).not.toContain(original);
    expect(text).not.toContain(batch.headers.get(SIGNATURE_HEADER)!);
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
