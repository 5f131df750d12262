import { signDelivery } from "../../../e2e/stand-ins/qstash/signing";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { JOB_SCHEDULES, registerSchedules } from "~/server/jobs/schedules";
import { usageFlushJobRoute } from "~/server/rest/jobs";
import { usageKey } from "~/server/usage/keys";
import { monthOf } from "~/server/usage/periods";

// APP_URL is the public https://billing.vantflow.test; the route listens on 127.0.0.1 elsewhere.
const app = await vi.hoisted(async () => (await import("~/test/qstash-app")).startQStashApp());
const PATH = "/api/jobs/usage-flush";
app.serve(PATH, usageFlushJobRoute);
const written: string[] = [];
afterAll(async () => {
  for (const key of written) await kv.del(key);
  await app.close();
});

const HOURLY = JOB_SCHEDULES.find((s) => s.path === PATH)!;
const period = monthOf(new Date());
const local = () => new URL(PATH, app.origin);

/** An organization whose counter this month holds `value` in the app's store (REDIS_URL). */
async function orgWithUsage(value: number) {
  const org = await db.organization.create({ data: { name: "Flushed by QStash" }, select: { id: true } });
  const key = usageKey(org.id, "gemini_tokens", period);
  written.push(key);
  await kv.set(key, String(value));
  return org.id;
}
const recordOf = (organizationId: string) =>
  db.usageRecord.findUnique({ where: { organizationId_metric_period: { organizationId, metric: "gemini_tokens", period } }, select: { quantity: true } });
/** The runs the route started (other files flush with other triggers). */
const qstashRuns = () => db.usageFlushRun.count({ where: { trigger: "qstash" } });

async function signedDelivery(body: string, messageId: string, signedBody = body) {
  const signature = await signDelivery({ key: inject("qstash").currentSigningKey, url: new URL(PATH, env.APP_URL).toString(), body: Buffer.from(signedBody), nowMs: Date.now() });
  return fetch(local(), { method: "POST", headers: { "content-type": "application/json", "upstash-signature": signature, "upstash-message-id": messageId }, body });
}

describe("POST /api/jobs/usage-flush, called by QStash at APP_URL", () => {
  it("runs the flush when the hourly schedule fires; the same delivery again has no second effect", async () => {
    const org = await orgWithUsage(1234);
    await registerSchedules(app.client, env.APP_URL);
    const runsBefore = await qstashRuns();
    const messageId = app.standIn.fireSchedule(HOURLY.scheduleId);
    await app.standIn.settle();

    const fired = app.standIn.messages.get(messageId)!;
    expect(fired.url).toBe(`https://billing.vantflow.test${PATH}`);
    expect(fired.attempts.map((a) => a.status)).toEqual([200]);
    expect(await recordOf(org)).toEqual({ quantity: 1234n });
    expect(await qstashRuns()).toBe(runsBefore + 1);
    const delivery = await db.jobDelivery.findUniqueOrThrow({ where: { messageId } });
    expect(delivery).toMatchObject({ job: "usage-flush", status: "DONE", attempts: 1 });
    expect(delivery.result).toMatchObject({ trigger: "qstash", periods: [period, expect.any(String)] });
    expect((delivery.result as { rowsWritten: number }).rowsWritten).toBeGreaterThanOrEqual(1);

    // At-least-once: QStash delivers the message again; nothing runs a second time.
    await kv.set(usageKey(org, "gemini_tokens", period), "2000");
    const attempt = fired.attempts[0]!;
    const again = await fetch(local(), { method: attempt.method, headers: attempt.headers, body: attempt.body });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate" });
    expect(await qstashRuns()).toBe(runsBefore + 1);
    expect(await recordOf(org)).toEqual({ quantity: 1234n });
  });

  it("answers 401 to a tampered, forged or unsigned delivery, and runs nothing", async () => {
    const org = await orgWithUsage(77);
    const runsBefore = await qstashRuns();

    const tampered = await signedDelivery('{"tampered":true}', "msg_usage_flush_tampered", "{}"); // signed for another body
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ code: "UNAUTHORIZED", reason: "invalid_signature" });
    const forged = await fetch(local(), { method: "POST", headers: { "upstash-signature": "eyJhbGciOiJIUzI1NiJ9.e30.x", "upstash-message-id": "msg_forged" }, body: "{}" });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(local(), { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);
    // A genuine QStash signature, but for the address the app listens on: not what was scheduled.
    const { messageId } = await app.client.publishJSON({ url: local().toString(), body: {}, retries: 0 });
    await app.standIn.settle();
    expect(app.standIn.messages.get(messageId)!.attempts.map((a) => a.status)).toEqual([401]);

    expect(await qstashRuns()).toBe(runsBefore);
    expect(await recordOf(org)).toBeNull();
    expect(await db.jobDelivery.count({ where: { messageId: { in: ["msg_usage_flush_tampered", "msg_forged", messageId] } } })).toBe(0);
  });

  it("answers 400 to a signed delivery whose body is not the schedule's, and records nothing", async () => {
    const runsBefore = await qstashRuns();
    const res = await signedDelivery('{"batchSize":5}', "msg_usage_flush_bad_body");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", fieldErrors: expect.any(Object) });
    expect(await qstashRuns()).toBe(runsBefore);
    expect(await db.jobDelivery.findUnique({ where: { messageId: "msg_usage_flush_bad_body" } })).toBeNull();
  });

  it("is scheduled hourly on the hour (UTC) beside the daily billing sync, idempotently", async () => {
    await registerSchedules(app.client, "https://billing.example.test");
    await registerSchedules(app.client, "https://billing.example.test");
    const schedules = await app.client.schedules.list();
    expect(schedules.filter((s) => s.scheduleId === HOURLY.scheduleId)).toHaveLength(1);
    expect(schedules.map((s) => s.scheduleId)).toContain("vantflow-billing-sync-daily");
    const hourly = await app.client.schedules.get(HOURLY.scheduleId);
    expect(hourly).toMatchObject({ cron: "0 * * * *", destination: "https://billing.example.test/api/jobs/usage-flush" });
    // The next firing is the top of the next hour.
    const next = hourly.nextScheduleTime!;
    expect(next % 3_600_000).toBe(0);
    expect(next - app.standIn.now()).toBeLessThanOrEqual(3_600_000);
  });
});
