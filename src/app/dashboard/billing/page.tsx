import type { Metadata } from "next";
import { PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext } from "./billing-actor";
import { BillingOverview } from "./billing-overview";
import { CheckoutReturn } from "./checkout-return";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ checkout?: string; session_id?: string }> }) {
  const { orgId, orgName, canManage } = await billingPageContext();
  const params = await searchParams;
  // Awaited: the client components then render with the data, so server and client HTML match.
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.billing.overview.queryOptions({ orgId })),
    queryClient.prefetchQuery(trpc.usage.current.queryOptions({ orgId })),
    queryClient.prefetchQuery(trpc.usage.daily.queryOptions({ orgId })),
    queryClient.prefetchQuery(trpc.usage.forecast.queryOptions({ orgId })),
  ]);
  // Confirming is a billing change (OWNER/ADMIN): a member sent this link would only see it refused.
  const checkoutReturn = canManage && params.checkout === "success" && Boolean(params.session_id);
  return (
    <HydrateClient>
      <PageHeader title="Billing" description={`Plan, payments and limits of ${orgName}.`} />
      {checkoutReturn && params.session_id && (
        <CheckoutReturn orgId={orgId} sessionId={params.session_id} confirming="Confirming your payment…" done="Your subscription is set up. Welcome aboard!" />
      )}
      <BillingOverview orgId={orgId} canManage={canManage} checkoutReturn={checkoutReturn} />
    </HydrateClient>
  );
}
