import type { Metadata } from "next";
import { FlashToast, type Flash } from "~/components/flash-toast";
import { PageHeader } from "~/components/ui";
import { api, getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext } from "./billing-actor";
import { BillingOverview } from "./billing-overview";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ checkout?: string; session_id?: string }> }) {
  const { orgId, orgName, canManage } = await billingPageContext();
  const params = await searchParams;
  let flash: Flash = null;
  // Back from Checkout: sync from Stripe now instead of waiting for the webhook.
  if (params.checkout === "success" && params.session_id) {
    try {
      await (await api()).billing.completeCheckout({ orgId, sessionId: params.session_id });
      flash = { tone: "success", message: "Your subscription is set up. Welcome aboard!" };
    } catch {
      flash = { tone: "error", message: "We could not confirm that checkout yet. It will appear here within a minute." };
    }
  }
  void getQueryClient().prefetchQuery(trpc.billing.overview.queryOptions({ orgId }));
  return (
    <HydrateClient>
      <FlashToast flash={flash} />
      <PageHeader title="Billing" description={`Plan, payments and limits of ${orgName}.`} />
      <BillingOverview orgId={orgId} canManage={canManage} />
    </HydrateClient>
  );
}
