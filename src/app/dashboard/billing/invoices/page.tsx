import type { Metadata } from "next";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext } from "../billing-actor";
import { InvoiceList } from "./invoice-list";
import { invoiceListQuery } from "./invoice-query";

const PAGE_SIZE = 20;

export const metadata: Metadata = { title: "Invoices" };

export default async function InvoicesPage() {
  const { orgId } = await billingPageContext();
  // Awaited: the client components then render with the data, so server and client HTML match.
  await getQueryClient().prefetchInfiniteQuery(trpc.invoices.list.infiniteQueryOptions(invoiceListQuery(orgId, PAGE_SIZE), { getNextPageParam: (page) => page.nextCursor }));
  return (
    <HydrateClient>
      <Breadcrumbs trail={[{ label: "Billing", href: "/dashboard/billing" }]} current="Invoices" />
      <PageHeader title="Invoices" description="Every invoice Stripe issued to this organization, newest first." />
      <InvoiceList orgId={orgId} pageSize={PAGE_SIZE} />
    </HydrateClient>
  );
}
