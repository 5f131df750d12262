import type { Metadata } from "next";
import { FlashToast, type Flash } from "~/components/flash-toast";
import { PageHeader } from "~/components/ui";
import { api, getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext } from "../billing-actor";
import { PaymentMethodList } from "./payment-method-list";

export const metadata: Metadata = { title: "Payment methods" };

export default async function PaymentMethodsPage({ searchParams }: { searchParams: Promise<{ setup?: string; session_id?: string }> }) {
  const { orgId, canManage } = await billingPageContext();
  const params = await searchParams;
  let flash: Flash = null;
  if (params.setup === "success" && params.session_id) {
    try {
      await (await api()).billing.completeCheckout({ orgId, sessionId: params.session_id });
      flash = { tone: "success", message: "Card added." };
    } catch {
      flash = { tone: "error", message: "We could not confirm the new card yet. It will appear here within a minute." };
    }
  } else if (params.setup === "canceled") {
    flash = { tone: "info", message: "No card was added." };
  }
  void getQueryClient().prefetchQuery(trpc.billing.paymentMethods.queryOptions({ orgId }));
  return (
    <HydrateClient>
      <FlashToast flash={flash} />
      <PageHeader title="Payment methods" description="Cards Stripe charges for this organization's subscription." />
      <PaymentMethodList orgId={orgId} canManage={canManage} />
    </HydrateClient>
  );
}
