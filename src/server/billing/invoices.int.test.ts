import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { makeOwner } from "~/test/billing";

let seq = 0;
/** An invoice row as the sync writes it, `total` in cents, created `day` days into November 2026. */
function invoice(organizationId: string, total: number, day: number) {
  seq += 1;
  const id = `in_hidezero_${Date.now()}_${seq}`;
  return db.invoiceRecord.create({
    data: {
      organizationId,
      stripeInvoiceId: id,
      stripeCustomerId: `cus_hidezero_${organizationId}`,
      status: "paid",
      billingReason: total === 0 ? "subscription_update" : "subscription_cycle",
      currency: "usd",
      subtotal: total,
      total,
      amountDue: total,
      amountPaid: total,
      stripeCreatedAt: new Date(Date.UTC(2026, 10, day)),
    },
  });
}

describe("invoices.list with hideZero", () => {
  it("pages through the charged invoices only, one at a time, past a $0 one; zeroCount counts the caller's org alone", async () => {
    const o = await makeOwner();
    const oldest = await invoice(o.orgId, 2_900, 1);
    await invoice(o.orgId, 0, 2);
    const newest = await invoice(o.orgId, 4_900, 3);
    // Another org's $0 (and charged) invoices: never listed, never counted.
    const other = await makeOwner("Other Owner");
    await invoice(other.orgId, 0, 4);
    await invoice(other.orgId, 0, 5);
    await invoice(other.orgId, 1_000, 6);

    const first = await o.caller.invoices.list({ orgId: o.orgId, limit: 1, hideZero: true });
    expect(first.items.map((i) => i.id)).toEqual([newest.id]);
    expect(first.zeroCount).toBe(1);
    expect(first.nextCursor).toBe(newest.id);

    const second = await o.caller.invoices.list({ orgId: o.orgId, limit: 1, hideZero: true, cursor: first.nextCursor });
    // The $0 invoice between them is skipped, not returned as an empty page.
    expect(second.items.map((i) => i.id)).toEqual([oldest.id]);
    expect(second).toMatchObject({ nextCursor: null, zeroCount: 1 });

    // Shown, the $0 invoice takes its place between them.
    const all = await o.caller.invoices.list({ orgId: o.orgId, limit: 10 });
    expect(all.items.map((i) => i.total)).toEqual([4_900, 0, 2_900]);
    expect(all.zeroCount).toBe(1);
    expect((await other.caller.invoices.list({ orgId: other.orgId, hideZero: true })).items.map((i) => i.total)).toEqual([1_000]);
    expect((await other.caller.invoices.list({ orgId: other.orgId, hideZero: true })).zeroCount).toBe(2);
  });
});
