import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, QstashError, Receiver } from "@upstash/qstash";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startQStashStandIn, type QStashStandInOptions } from "./server";
import { bodyHashClaim } from "./signing";
import { defaultBackoffSeconds } from "./timing";

const TOKEN = "qstash_test_token";
const CURRENT = "sig_current_test_key";
const NEXT = "sig_next_test_key";
/** Tiny backoff: 1 real ms per QStash second, so 12 ms, 148 ms, … */
const RETRY_BASE_MS = 1;

interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  verified: boolean;
  verifyError?: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * The app's side: verifies every request with the official Receiver (current/next keys as the
 * app would hold them) and answers with scripted statuses per path (default 200).
 */
async function startDestination(receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT })) {
  const received: Received[] = [];
  const script = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = `${base}${req.url ?? "/"}`;
      const entry: Received = { method: req.method ?? "", url, headers: req.headers, body, verified: false };
      received.push(entry);
      receiver
        .verify({ signature: String(req.headers["upstash-signature"]), body, url })
        .then(
          () => void (entry.verified = true),
          (error: unknown) => void (entry.verifyError = error instanceof Error ? error.message : String(error)),
        )
        .finally(() => res.writeHead(script.get(req.url ?? "/")?.shift() ?? 200).end("ok"));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { base, received, respond: (path: string, statuses: number[]) => void script.set(path, statuses) };
}

async function start(overrides: Partial<QStashStandInOptions> = {}) {
  const standIn = await startQStashStandIn({ token: TOKEN, currentSigningKey: CURRENT, nextSigningKey: NEXT, retryBaseMs: RETRY_BASE_MS, ...overrides });
  cleanups.push(() => standIn.close());
  return { standIn, client: new Client({ token: TOKEN, baseUrl: standIn.url }) };
}

/** A clock fixed at a whole minute four minutes ago, for tests that move time with advance(). */
function pastClock() {
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 4 * 60_000;
  return { base, now: () => base };
}

describe("QStash stand-in: publishing and signatures", () => {
  it("delivers a published JSON message signed with the current key, with QStash's headers and claims", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    const { messageId } = await client.publishJSON({ url: `${dest.base}/api/jobs`, body: { invoice: "in_1", amount: 4200 } });
    await standIn.settle();

    expect(messageId).toMatch(/^msg_/);
    expect(dest.received).toHaveLength(1);
    const got = dest.received[0]!;
    expect(got).toMatchObject({ method: "POST", body: '{"invoice":"in_1","amount":4200}', verified: true });
    expect(got.headers).toMatchObject({
      "content-type": "application/json",
      "upstash-message-id": messageId,
      "upstash-retried": "0",
      "user-agent": "Upstash-QStash",
    });

    const signature = String(got.headers["upstash-signature"]);
    const claims = decodeJwt(signature);
    expect(claims).toMatchObject({ iss: "Upstash", sub: `${dest.base}/api/jobs`, body: bodyHashClaim(Buffer.from(got.body)) });
    expect(claims.exp! - claims.nbf!).toBe(300);
    expect(claims.iat).toBe(claims.nbf);
    expect(claims.jti).toMatch(/^jwt_/);
    // The current key alone is enough.
    await expect(
      new Receiver({ currentSigningKey: CURRENT, nextSigningKey: "sig_unrelated" }).verify({ signature, body: got.body, url: got.url }),
    ).resolves.toBe(true);
    expect(standIn.deliveries.map((d) => [d.messageId, d.status])).toEqual([[messageId, 200]]);
  });

  it("is verified by a Receiver whose NEXT key is the stand-in's current key (rotation)", async () => {
    // The app still lists the old key as current; QStash has rotated to what the app has as next.
    const { standIn, client } = await start({ currentSigningKey: NEXT, nextSigningKey: "sig_after_next" });
    const dest = await startDestination(new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT }));
    await client.publish({ url: `${dest.base}/hook`, body: "rotated" });
    await standIn.settle();
    expect(dest.received[0]).toMatchObject({ body: "rotated", verified: true });

    const { signature, body, url } = { signature: String(dest.received[0]!.headers["upstash-signature"]), body: "rotated", url: `${dest.base}/hook` };
    await expect(new Receiver({ currentSigningKey: CURRENT, nextSigningKey: "sig_other" }).verify({ signature, body, url })).rejects.toThrow(
      /signature/i,
    );
  });

  it("rotateSigningKeys() moves next to current, and deliveries still verify through the next key", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    const rotated = standIn.rotateSigningKeys();
    expect(rotated.current).toBe(NEXT);
    expect(rotated.next).not.toBe(NEXT);
    await client.publish({ url: `${dest.base}/hook`, body: "after rotation" });
    await standIn.settle();
    expect(dest.received[0]).toMatchObject({ verified: true });
  });

  it("signatures fail verification for a tampered body and for another URL", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    await client.publishJSON({ url: `${dest.base}/api/jobs`, body: { amount: 100 } });
    await standIn.settle();
    const { headers, body, url } = dest.received[0]!;
    const signature = String(headers["upstash-signature"]);
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

    await expect(receiver.verify({ signature, body, url })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: '{"amount":1000}', url })).rejects.toThrow(/body hash does not match/);
    await expect(receiver.verify({ signature, body, url: `${dest.base}/api/other` })).rejects.toThrow(/invalid subject/);
  });

  it("delivers through an injected fetch (a public host routed to a local server), signed for the public URL", async () => {
    const dest = await startDestination();
    const routed: string[] = [];
    const { standIn, client } = await start({
      fetch: (input, init) => {
        const url = new URL(String(input));
        routed.push(url.href);
        return fetch(new URL(`${url.pathname}${url.search}`, dest.base), init);
      },
    });
    const publicUrl = "https://billing.example.test/api/jobs?tenant=1";
    const { messageId } = await client.publishJSON({ url: publicUrl, body: { amount: 100 } });
    await standIn.settle();

    expect(routed).toEqual([publicUrl]);
    expect(dest.received.map((r) => r.url)).toEqual([`${dest.base}/api/jobs?tenant=1`]);
    const { headers, body } = dest.received[0]!;
    const signature = String(headers["upstash-signature"]);
    expect(decodeJwt(signature).sub).toBe(publicUrl);
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    await expect(receiver.verify({ signature, body, url: publicUrl })).resolves.toBe(true);
    expect(standIn.deliveries.map((d) => [d.messageId, d.url, d.status])).toEqual([[messageId, publicUrl, 200]]);
  });

  it("a token signed more than five minutes ago is rejected as expired", async () => {
    const { standIn, client } = await start({ now: () => Date.now() - 6 * 60_000 });
    const dest = await startDestination();
    await client.publish({ url: `${dest.base}/hook`, body: "late", retries: 0 });
    await standIn.settle();
    expect(dest.received).toHaveLength(1);
    expect(dest.received[0]).toMatchObject({ verified: false });

    // The Receiver reports the failure of its last try (the next key); with the current key in
    // both slots the cause shows, and a tolerance wider than the age makes the token pass.
    const { headers, body, url } = dest.received[0]!;
    const signature = String(headers["upstash-signature"]);
    const currentOnly = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: CURRENT });
    await expect(currentOnly.verify({ signature, body, url })).rejects.toThrow(/"exp" claim timestamp check failed/);
    await expect(currentOnly.verify({ signature, body, url, clockTolerance: 7 * 60 })).resolves.toBe(true);
  });

  it("retries with exponential backoff while the destination answers 500, then succeeds", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    dest.respond("/flaky", [500, 500, 200]);
    const { messageId } = await client.publish({ url: `${dest.base}/flaky`, body: "retry me", retries: 3 });
    await standIn.settle();

    const attempts = standIn.deliveries.filter((d) => d.messageId === messageId);
    expect(attempts.map((a) => [a.retried, a.status])).toEqual([
      [0, 500],
      [1, 500],
      [2, 200],
    ]);
    expect(attempts.map((a) => a.backoffMs)).toEqual([defaultBackoffSeconds(1) * RETRY_BASE_MS, defaultBackoffSeconds(2) * RETRY_BASE_MS, undefined]);
    expect(dest.received.map((r) => [r.headers["upstash-retried"], r.verified])).toEqual([
      ["0", true],
      ["1", true],
      ["2", true],
    ]);
    // Every attempt is signed afresh.
    expect(new Set(dest.received.map((r) => decodeJwt(String(r.headers["upstash-signature"])).jti)).size).toBe(3);
    expect(standIn.messages.get(messageId)?.state).toBe("DELIVERED");
  });

  it("gives up after Upstash-Retries retries and marks the message FAILED", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    dest.respond("/down", [503, 503, 503, 503]);
    const { messageId } = await client.publish({ url: `${dest.base}/down`, body: "x", retries: 2 });
    await standIn.settle();
    expect(standIn.deliveries.map((d) => d.status)).toEqual([503, 503, 503]);
    expect(standIn.messages.get(messageId)?.state).toBe("FAILED");
  });

  it("honours Upstash-Retry-Delay expressions", async () => {
    const { standIn, client } = await start({ retryBaseMs: 10 });
    const dest = await startDestination();
    dest.respond("/custom", [500, 500, 200]);
    await client.publish({ url: `${dest.base}/custom`, body: "x", retries: 2, retryDelay: "pow(2, retried) * 1000" });
    await standIn.settle();
    // 1 s then 2 s of QStash time, at 10 real ms per second.
    expect(standIn.deliveries.map((d) => d.backoffMs)).toEqual([10, 20, undefined]);
  });

  it("a repeated deduplication id returns the same messageId and delivers once", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    const first = await client.publishJSON({ url: `${dest.base}/hook`, body: { n: 1 }, deduplicationId: "invoice-in_1-paid" });
    const second = await client.publishJSON({ url: `${dest.base}/hook`, body: { n: 2 }, deduplicationId: "invoice-in_1-paid" });
    const other = await client.publishJSON({ url: `${dest.base}/hook`, body: { n: 3 }, deduplicationId: "invoice-in_2-paid" });
    await standIn.settle();

    expect(second.messageId).toBe(first.messageId);
    expect(second).toMatchObject({ deduplicated: true });
    expect(other.messageId).not.toBe(first.messageId);
    expect(dest.received.map((r) => r.body)).toEqual(['{"n":1}', '{"n":3}']);
  });

  it("forgets a deduplication id once its window has passed", async () => {
    const clock = pastClock();
    const { standIn, client } = await start({ now: clock.now, dedupWindowMs: 60_000 });
    const dest = await startDestination();
    const first = await client.publish({ url: `${dest.base}/hook`, body: "1", deduplicationId: "d" });
    standIn.advance(59_999);
    const inside = await client.publish({ url: `${dest.base}/hook`, body: "2", deduplicationId: "d" });
    standIn.advance(1);
    const after = await client.publish({ url: `${dest.base}/hook`, body: "3", deduplicationId: "d" });
    await standIn.settle();
    expect(inside.messageId).toBe(first.messageId);
    expect(after.messageId).not.toBe(first.messageId);
    expect(dest.received.map((r) => [r.body, r.verified])).toEqual([
      ["1", true],
      ["3", true],
    ]);
  });

  it("content-based deduplication collapses identical messages", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    const a = await client.publish({ url: `${dest.base}/hook`, body: "same", contentBasedDeduplication: true });
    const b = await client.publish({ url: `${dest.base}/hook`, body: "same", contentBasedDeduplication: true });
    const c = await client.publish({ url: `${dest.base}/hook`, body: "different", contentBasedDeduplication: true });
    await standIn.settle();
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    expect(dest.received).toHaveLength(2);
  });

  it("holds a delayed message until its time, then delivers it signed at that time", async () => {
    const clock = pastClock();
    const { standIn, client } = await start({ now: clock.now });
    const dest = await startDestination();
    const { messageId } = await client.publish({ url: `${dest.base}/later`, body: "later", delay: "10s" });
    await standIn.settle();
    expect(dest.received).toHaveLength(0);
    expect(await client.messages.get(messageId)).toMatchObject({ messageId, notBefore: clock.base + 10_000, body: "later" });

    standIn.advance(9_999);
    await standIn.settle();
    expect(dest.received).toHaveLength(0);

    standIn.advance(1);
    await standIn.settle();
    expect(dest.received).toHaveLength(1);
    expect(dest.received[0]).toMatchObject({ body: "later", verified: true });
    expect(standIn.deliveries[0]!.at).toBe(clock.base + 10_000);
    expect(decodeJwt(String(dest.received[0]!.headers["upstash-signature"])).nbf).toBe((clock.base + 10_000) / 1000);
  });

  it("a delayed message can be cancelled before it is due", async () => {
    const clock = pastClock();
    const { standIn, client } = await start({ now: clock.now });
    const dest = await startDestination();
    const { messageId } = await client.publish({ url: `${dest.base}/later`, body: "never", delay: 60 });
    await expect(client.messages.cancel(messageId)).resolves.toEqual({ cancelled: 1 });
    standIn.advance(120_000);
    await standIn.settle();
    expect(dest.received).toHaveLength(0);
    expect(standIn.messages.get(messageId)?.state).toBe("CANCELLED");
  });

  it("forwards headers without the prefix, keeps the body and content type as-is, and honours Upstash-Method", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    await client.publish({
      url: `${dest.base}/api/sync?tenant=acme`,
      method: "PUT",
      body: "plain <text> & more",
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Tenant": "acme", "Upstash-Forward-Trace-Id": "trace-1" },
    });
    await standIn.settle();
    const got = dest.received[0]!;
    expect(got).toMatchObject({ method: "PUT", url: `${dest.base}/api/sync?tenant=acme`, body: "plain <text> & more", verified: true });
    expect(got.headers).toMatchObject({ "content-type": "text/plain; charset=utf-8", "x-tenant": "acme", "trace-id": "trace-1" });
    expect(Object.keys(got.headers).filter((h) => h.startsWith("upstash-forward-"))).toEqual([]);
  });

  it("batch publishes several messages", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    const res = await client.batchJSON([
      { url: `${dest.base}/a`, body: { n: 1 } },
      { url: `${dest.base}/b`, body: { n: 2 } },
    ]);
    await standIn.settle();
    expect(res).toHaveLength(2);
    expect(dest.received.map((r) => [new URL(r.url).pathname, r.body, r.verified]).sort()).toEqual([
      ["/a", '{"n":1}', true],
      ["/b", '{"n":2}', true],
    ]);
  });
});

describe("QStash stand-in: schedules", () => {
  it("creates, upserts, lists, gets, pauses, resumes and deletes schedules", async () => {
    const { client } = await start();
    const destination = "http://127.0.0.1:9/api/cron/dunning";
    const { scheduleId } = await client.schedules.create({
      destination,
      cron: "*/5 * * * * ",
      body: JSON.stringify({ job: "dunning" }),
      headers: { "x-job": "dunning" },
      retries: 2,
      delay: 30,
    });
    expect(scheduleId).toMatch(/^scd_/);
    const schedule = await client.schedules.get(scheduleId);
    expect(schedule).toMatchObject({
      scheduleId,
      cron: "*/5 * * * *",
      destination,
      method: "POST",
      header: { "Content-Type": ["application/json"], "X-Job": ["dunning"] },
      body: '{"job":"dunning"}',
      retries: 2,
      delay: 30,
      isPaused: false,
    });
    expect(schedule.createdAt).toBeTypeOf("number");
    expect(schedule.nextScheduleTime! % 300_000).toBe(0);

    await client.schedules.create({ destination, cron: "0 3 * * *", scheduleId: "nightly-usage" });
    await client.schedules.create({ destination: `${destination}/v2`, cron: "0 4 * * *", scheduleId: "nightly-usage" });
    const listed = await client.schedules.list();
    expect(listed.map((s) => s.scheduleId)).toEqual([scheduleId, "nightly-usage"]);
    expect(listed[1]).toMatchObject({ destination: `${destination}/v2`, cron: "0 4 * * *" });
    expect(listed[1]!.body).toBeUndefined();

    await client.schedules.pause({ schedule: scheduleId });
    expect(await client.schedules.get(scheduleId)).toMatchObject({ isPaused: true });
    await client.schedules.resume({ schedule: scheduleId });
    expect(await client.schedules.get(scheduleId)).toMatchObject({ isPaused: false });

    await client.schedules.delete(scheduleId);
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(client.schedules.get(scheduleId)).rejects.toMatchObject({ status: 404 });
    vi.restoreAllMocks();
    expect((await client.schedules.list()).map((s) => s.scheduleId)).toEqual(["nightly-usage"]);
  });

  it("fires a due schedule as a verified delivery carrying Upstash-Schedule-Id, and not while paused", async () => {
    const clock = pastClock();
    const { standIn, client } = await start({ now: clock.now });
    const dest = await startDestination();
    const { scheduleId } = await client.schedules.create({ destination: `${dest.base}/api/cron/tick`, cron: "* * * * *", body: '{"tick":true}' });
    expect((await client.schedules.get(scheduleId)).nextScheduleTime).toBe(clock.base + 60_000);

    standIn.advance(59_999);
    await standIn.settle();
    expect(dest.received).toHaveLength(0);

    standIn.advance(1);
    await standIn.settle();
    expect(dest.received).toHaveLength(1);
    expect(dest.received[0]).toMatchObject({ body: '{"tick":true}', verified: true });
    expect(dest.received[0]!.headers).toMatchObject({ "upstash-schedule-id": scheduleId, "content-type": "application/json" });
    const fired = await client.schedules.get(scheduleId);
    expect(fired.lastScheduleTime).toBe(clock.base + 60_000);
    expect(Object.values(fired.lastScheduleStates ?? {})).toEqual(["SUCCESS"]);

    await client.schedules.pause({ schedule: scheduleId });
    standIn.advance(60_000);
    await standIn.settle();
    expect(dest.received).toHaveLength(1);

    await client.schedules.resume({ schedule: scheduleId });
    standIn.advance(60_000);
    await standIn.settle();
    expect(dest.received).toHaveLength(2);
    expect(dest.received[1]).toMatchObject({ verified: true });
    expect(standIn.deliveries.map((d) => d.at)).toEqual([clock.base + 60_000, clock.base + 180_000]);
  });

  it("fireSchedule() delivers immediately without moving the next occurrence", async () => {
    const { standIn, client } = await start();
    const dest = await startDestination();
    const { scheduleId } = await client.schedules.create({ destination: `${dest.base}/api/cron/monthly`, cron: "0 0 1 * *" });
    const next = (await client.schedules.get(scheduleId)).nextScheduleTime;
    const messageId = standIn.fireSchedule(scheduleId);
    await standIn.settle();
    expect(dest.received[0]).toMatchObject({ verified: true });
    expect(dest.received[0]!.headers).toMatchObject({ "upstash-schedule-id": scheduleId, "upstash-message-id": messageId });
    expect((await client.schedules.get(scheduleId)).nextScheduleTime).toBe(next);
  });

  it("refuses an invalid cron", async () => {
    const { client } = await start();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(client.schedules.create({ destination: "http://127.0.0.1:9/x", cron: "every day" })).rejects.toMatchObject({ status: 400 });
    await expect(client.schedules.create({ destination: "http://127.0.0.1:9/x", cron: "0 * * * * *" })).rejects.toMatchObject({ status: 400 });
    vi.restoreAllMocks();
  });
});

describe("QStash stand-in: authentication", () => {
  it("answers a wrong token with 401 in QStash's error shape", async () => {
    const { standIn } = await start();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const wrong = new Client({ token: "not-the-token", baseUrl: standIn.url });
    const error: unknown = await wrong.publishJSON({ url: "http://127.0.0.1:9/hook", body: {} }).catch((e: unknown) => e);
    vi.restoreAllMocks();
    expect(error).toBeInstanceOf(QstashError);
    expect(error).toMatchObject({ status: 401 });
    expect(JSON.parse((error as Error).message)).toEqual({ error: "Unauthorized" });

    const raw = await fetch(`${standIn.url}/v2/schedules`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ error: "Unauthorized" });
    expect(standIn.messages.size).toBe(0);
  });

  it("rejects destinations it cannot deliver to and unknown routes", async () => {
    const { standIn } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const topic = await fetch(`${standIn.url}/v2/publish/my-topic`, { method: "POST", headers: auth, body: "x" });
    expect(topic.status).toBe(400);
    expect(await topic.json()).toMatchObject({ error: expect.stringMatching(/URL/) });
    const badDelay = await fetch(`${standIn.url}/v2/publish/http://127.0.0.1:9/x`, { method: "POST", headers: { ...auth, "upstash-delay": "soon" }, body: "x" });
    expect(badDelay.status).toBe(400);
    expect((await fetch(`${standIn.url}/v2/nothing`, { headers: auth })).status).toBe(404);
  });
});
