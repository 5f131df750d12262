import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { deleteStagedItems, STAGED_DELETE_CHUNK } from "~/server/jobs/billing-reconcile-staging";

async function runWithItems(count: number) {
  const id = `staging-test-${randomUUID()}`;
  await db.billingReconcileRun.create({ data: { id, ticket: 1n, phase: "done", status: "done" } });
  await db.$executeRaw`
    INSERT INTO "BillingReconcileItem" ("runId", "kind", "stripeId", "stripeCustomerId", "payload")
    SELECT ${id}, 'invoice', 'in_' || g, 'cus_' || (g % 50), jsonb_build_object('id', 'in_' || g)
      FROM generate_series(1, ${count}) AS g`;
  return id;
}

describe("deleteStagedItems", () => {
  it("removes every staged row of the given runs, a chunk at a time, and no other run's", async () => {
    const big = await runWithItems(2 * STAGED_DELETE_CHUNK + 7);
    const other = await runWithItems(3);
    expect(await deleteStagedItems({ id: big })).toBe(2 * STAGED_DELETE_CHUNK + 7);
    expect(await db.billingReconcileItem.count({ where: { runId: big } })).toBe(0);
    expect(await db.billingReconcileItem.count({ where: { runId: other } })).toBe(3);
    // Repeating it (a retried call) finds nothing left and fails nothing.
    expect(await deleteStagedItems({ id: big })).toBe(0);
    await deleteStagedItems({ id: other });
    await db.billingReconcileRun.deleteMany({ where: { id: { in: [big, other] } } });
  });
});
