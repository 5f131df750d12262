"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatMoney } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { StatusBadge } from "~/components/status-badge";
import { Alert, Button, Card, TableScroll } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { invoiceListQuery } from "./invoice-query";

const REASONS: Record<string, string> = {
  subscription_create: "Subscription started",
  subscription_cycle: "Renewal",
  subscription_update: "Plan change",
  manual: "One-off",
};

export function InvoiceList({ orgId, pageSize }: { orgId: string; pageSize: number }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const [showZero, setShowZero] = useState(false);
  const invoices = useInfiniteQuery(
    trpc.invoices.list.infiniteQueryOptions(invoiceListQuery(orgId, pageSize, showZero), {
      getNextPageParam: (page) => page.nextCursor,
      placeholderData: keepPreviousData,
    }),
  );
  if (invoices.isPending) return <p className="text-sm text-slate-500">Loading invoices…</p>;
  if (invoices.isError) return <Alert>Could not load invoices: {invoices.error.message}</Alert>;
  const rows = invoices.data.pages.flatMap((page) => page.items);
  const zeroCount = invoices.data.pages[0]?.zeroCount ?? 0;
  const zeroToggle = zeroCount > 0 && (
    <div className="mt-4 text-sm">
      {/* A toggle button: its label stays, aria-pressed says whether they are shown (a label that flips as well would say it twice). */}
      <button
        type="button"
        aria-pressed={showZero}
        className="rounded font-medium text-brand-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        onClick={() => setShowZero((shown) => !shown)}
      >
        {`Show $0 invoices (${zeroCount})`}
      </button>
    </div>
  );
  if (rows.length === 0) {
    return (
      <Card>
        <p className="text-sm text-slate-500">
          {zeroCount > 0 ? "No charges yet: every invoice so far is for $0." : "No invoices yet. They appear here once your first billing period starts."}
        </p>
        {zeroToggle}
      </Card>
    );
  }

  return (
    <Card>
      <TableScroll label="Invoices table">
        <table className="w-full whitespace-nowrap text-left text-sm [&_td]:pr-4 [&_th]:pr-4">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-2 font-medium">Date</th>
              <th className="py-2 font-medium">Number</th>
              <th className="py-2 font-medium">Description</th>
              <th className="py-2 font-medium">Status</th>
              <th className="py-2 text-right font-medium">Amount</th>
              <th className="py-2 text-right font-medium">
                <span className="sr-only">Links</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((invoice) => (
              <tr key={invoice.id} data-testid="invoice-row">
                <td className="py-3">{formatDate(invoice.stripeCreatedAt)}</td>
                <td className="py-3 font-mono text-xs">{invoice.number ?? "—"}</td>
                <td className="py-3 text-slate-600">{REASONS[invoice.billingReason ?? ""] ?? invoice.billingReason ?? "Invoice"}</td>
                <td className="py-3">
                  <StatusBadge status={invoice.status} />
                </td>
                <td className="py-3 text-right font-medium">{formatMoney(invoice.total, invoice.currency)}</td>
                <td className="space-x-3 whitespace-nowrap py-3 pl-3 text-right">
                  {invoice.hostedInvoiceUrl && (
                    <a className="text-brand-700 hover:underline" href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                      {invoice.status === "open" ? "Pay" : "View"}
                    </a>
                  )}
                  {invoice.invoicePdf && (
                    <a className="text-brand-700 hover:underline" href={invoice.invoicePdf} target="_blank" rel="noreferrer">
                      PDF
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {invoices.hasNextPage && (
        <div className="mt-4 text-center">
          <Button variant="secondary" disabled={invoices.isFetchingNextPage} onClick={() => void invoices.fetchNextPage()}>
            {invoices.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
      {zeroToggle}
    </Card>
  );
}
