import type { Metadata } from "next";
import { FlashToast, type Flash } from "~/components/flash-toast";
import { PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext, returnFromCheckout } from "./billing-actor";
import { BillingOverview } from "./billing-overview";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ checkout?: string; session_id?: string }> }) {
  const { orgId, orgName, canManage } = await billingPageContext();
  const params = await searchParams;
  const flash: Flash =
    params.checkout === "success" && params.session_id
      ? await returnFromCheckout(orgId, params.session_id, "Your subscription is set up. Welcome aboard!")
      : null;
  // Awaited: the client components then render with the data, so server and client HTML match.
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.billing.overview.queryOptions({ orgId })),
    queryClient.prefetchQuery(trpc.usage.current.queryOptions({ orgId })),
    queryClient.prefetchQuery(trpc.usage.daily.queryOptions({ orgId })),
    queryClient.prefetchQuery(trpc.usage.forecast.queryOptions({ orgId })),
  ]);
  return (
    <HydrateClient>
      <FlashToast flash={flash} />
      <PageHeader title="Billing" description={`Plan, payments and limits of ${orgName}.`} />
      <BillingOverview orgId={orgId} canManage={canManage} />
    </HydrateClient>
  );
}
