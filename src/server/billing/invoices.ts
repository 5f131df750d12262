import { z } from "zod";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";
import { idInput } from "~/server/validation";

export const invoiceListInput = z.object({
  cursor: idInput("Cursor").nullish(),
  limit: z.number().int().min(1).max(100).default(20),
  /** Leaves out invoices of $0 (a plan change during a trial makes one each time); their count still comes back. */
  hideZero: z.boolean().default(false),
});
export const invoiceInput = z.object({ invoiceId: idInput("Invoice id") });

const invoiceSelect = {
  id: true,
  stripeInvoiceId: true,
  number: true,
  status: true,
  billingReason: true,
  currency: true,
  subtotal: true,
  tax: true,
  total: true,
  amountDue: true,
  amountPaid: true,
  amountRemaining: true,
  attemptCount: true,
  hostedInvoiceUrl: true,
  invoicePdf: true,
  periodStart: true,
  periodEnd: true,
  paidAt: true,
  nextPaymentAttempt: true,
  stripeCreatedAt: true,
  lines: true,
} as const;

/** The org's invoices, newest first, a page at a time (`nextCursor` is null on the last page), with how many are $0. */
export async function listInvoices(actor: Actor, input: z.infer<typeof invoiceListInput>) {
  const org = { organizationId: actor.organizationId };
  const [rows, zeroCount] = await Promise.all([
    db.invoiceRecord.findMany({
      where: input.hideZero ? { ...org, total: { not: 0 } } : org,
      orderBy: [{ stripeCreatedAt: "desc" }, { id: "desc" }],
      take: input.limit + 1,
      ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      select: invoiceSelect,
    }),
    db.invoiceRecord.count({ where: { ...org, total: 0 } }),
  ]);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items.at(-1)!.id : null, zeroCount };
}

export async function getInvoice(actor: Actor, invoiceId: string) {
  const invoice = await db.invoiceRecord.findFirst({ where: { id: invoiceId, organizationId: actor.organizationId }, select: invoiceSelect });
  if (!invoice) throw new AppError("NOT_FOUND", "No such invoice.");
  return invoice;
}
