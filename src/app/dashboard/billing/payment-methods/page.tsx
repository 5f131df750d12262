import type { Metadata } from "next";
import { FlashToast, type Flash } from "~/components/flash-toast";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext } from "../billing-actor";
import { CheckoutReturn } from "../checkout-return";
import { PaymentMethodList } from "./payment-method-list";

export const metadata: Metadata = { title: "Payment methods" };

export default async function PaymentMethodsPage({ searchParams }: { searchParams: Promise<{ setup?: string; session_id?: string }> }) {
  const { orgId, canManage } = await billingPageContext();
  const params = await searchParams;
  const flash: Flash = params.setup === "canceled" ? { tone: "info", message: "No card was added." } : null;
  // Awaited: the client components then render with the data, so server and client HTML match.
  await getQueryClient().prefetchQuery(trpc.billing.paymentMethods.queryOptions({ orgId }));
  return (
    <HydrateClient>
      <FlashToast flash={flash} />
      <Breadcrumbs trail={[{ label: "Billing", href: "/dashboard/billing" }]} current="Payment methods" />
      <PageHeader title="Payment methods" description="Cards Stripe charges for this organization's subscription." />
      {/* Confirming is a billing change (OWNER/ADMIN): a member sent this link would only see it refused. */}
      {canManage && params.setup === "success" && params.session_id && (
        <CheckoutReturn orgId={orgId} sessionId={params.session_id} confirming="Confirming your card with Stripe…" done="Card added." />
      )}
      <PaymentMethodList orgId={orgId} canManage={canManage} />
    </HydrateClient>
  );
}
