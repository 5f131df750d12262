import { getInvoice, invoiceInput, invoiceListInput, listInvoices } from "~/server/billing/invoices";
import { createTRPCRouter, orgProcedure } from "~/server/api/trpc";

export const invoicesRouter = createTRPCRouter({
  list: orgProcedure.input(invoiceListInput).query(({ ctx, input }) => listInvoices(ctx.actor, input)),
  get: orgProcedure.input(invoiceInput).query(({ ctx, input }) => getInvoice(ctx.actor, input.invoiceId)),
});
