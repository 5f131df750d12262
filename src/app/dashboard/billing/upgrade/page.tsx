import type { Metadata } from "next";
import { FlashToast } from "~/components/flash-toast";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { PageHeader } from "~/components/ui";
import { TRIAL_DAYS } from "~/server/billing/plans";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { billingPageContext } from "../billing-actor";
import { PlanPicker } from "./plan-picker";

export const metadata: Metadata = { title: "Plans" };

export default async function UpgradePage({ searchParams }: { searchParams: Promise<{ checkout?: string }> }) {
  const { orgId, canManage } = await billingPageContext();
  const canceled = (await searchParams).checkout === "canceled";
  // Awaited: the client components then render with the data, so server and client HTML match.
  const [overview] = await Promise.all([
    getQueryClient().fetchQuery(trpc.billing.overview.queryOptions({ orgId })),
    getQueryClient().prefetchQuery(trpc.billing.plans.queryOptions()),
  ]);
  // The trial is promised only where the server's trial eligibility (one per org, owner and card) still allows one.
  const description = overview.trialAvailable
    ? `Pick the plan that fits. A first paid plan starts with a ${TRIAL_DAYS}-day free trial: one per organization, per owner and per card.`
    : "Pick the plan that fits.";
  return (
    <HydrateClient>
      <FlashToast flash={canceled ? { tone: "info", message: "Checkout canceled: nothing was charged." } : null} />
      <Breadcrumbs trail={[{ label: "Billing", href: "/dashboard/billing" }]} current="Plans" />
      <PageHeader title="Plans" description={description} />
      <PlanPicker orgId={orgId} canManage={canManage} />
    </HydrateClient>
  );
}
