import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { DONE_RETENTION_DAYS, pruneDoneDeliveries } from "~/server/jobs/job-delivery";

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe("pruneDoneDeliveries", () => {
  it("forgets only the job's done deliveries older than the retention; failed, recent and other jobs' stay", async () => {
    const job = `prune-${randomUUID()}`;
    const other = `prune-other-${randomUUID()}`;
    const row = (name: string, status: string, createdAt: Date, forJob = job) => ({ messageId: `${name}-${randomUUID()}`, job: forJob, status, createdAt });
    await db.jobDelivery.createMany({
      data: [
        row("old-done-1", "DONE", daysAgo(DONE_RETENTION_DAYS + 1)),
        row("old-done-2", "DONE", daysAgo(DONE_RETENTION_DAYS + 30)),
        row("old-failed", "FAILED", daysAgo(DONE_RETENTION_DAYS + 1)),
        row("recent-done", "DONE", daysAgo(DONE_RETENTION_DAYS - 1)),
        row("other-old-done", "DONE", daysAgo(DONE_RETENTION_DAYS + 1), other),
      ],
    });
    expect(await pruneDoneDeliveries(job)).toBe(2);
    const left = await db.jobDelivery.findMany({ where: { job: { in: [job, other] } }, select: { messageId: true } });
    expect(left.map((r) => r.messageId.replace(/-[0-9a-f-]{36}$/, "")).sort()).toEqual(["old-failed", "other-old-done", "recent-done"]);
    expect(await pruneDoneDeliveries(job)).toBe(0);
    await db.jobDelivery.deleteMany({ where: { job: { in: [job, other] } } });
  });
});
