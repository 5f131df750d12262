import { describe, expect, it, vi } from "vitest";

// Counts over the whole table: a database of this file's own, so other files' events do not count.
await vi.hoisted(async () => (await import("~/test/isolated-billing")).startIsolatedBilling("event_report"));

const { billingEventReport } = await import("~/server/billing/billing-event-report");
const { db } = await import("~/server/clients/db");

let n = 0;
const event = (status: "RECEIVED" | "PROCESSING" | "PROCESSED" | "FAILED", extra: Record<string, unknown> = {}) =>
  db.billingEvent.create({
    data: { stripeEventId: `evt_report_${n++}`, type: "invoice.paid", stripeCustomerId: "cus_report", payload: "{}", status, ...extra },
  });

describe("billingEventReport", () => {
  it("is empty on an empty queue", async () => {
    expect(await billingEventReport()).toEqual({ byStatus: {}, oldestWaitingSeconds: null, failed: [] });
  });

  it("counts per status, ages the oldest waiting event, and lists failures newest first with attempts, error and next attempt", async () => {
    await event("RECEIVED", { receivedAt: new Date(Date.now() - 90_000) });
    await event("RECEIVED");
    await event("PROCESSED", { attempts: 1, processedAt: new Date() });
    const retrying = await event("FAILED", { attempts: 2, lastError: "Stripe is down", nextAttemptAt: new Date(Date.now() + 60_000), receivedAt: new Date(Date.now() - 5_000) });
    const givenUp = await event("FAILED", { attempts: 9, lastError: "still down", nextAttemptAt: null, receivedAt: new Date(Date.now() - 1_000) });

    const report = await billingEventReport({ failedLimit: 10 });
    expect(report.byStatus).toEqual({ RECEIVED: 2, PROCESSED: 1, FAILED: 2 });
    expect(report.oldestWaitingSeconds).toBeGreaterThanOrEqual(89);
    expect(report.oldestWaitingSeconds).toBeLessThan(120);
    expect(report.failed.map((f) => [f.stripeEventId, f.attempts, f.lastError, f.nextAttemptAt === null])).toEqual([
      [givenUp.stripeEventId, 9, "still down", true],
      [retrying.stripeEventId, 2, "Stripe is down", false],
    ]);
    expect((await billingEventReport({ failedLimit: 1 })).failed).toHaveLength(1);
  });
});
