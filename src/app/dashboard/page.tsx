import type { Metadata } from "next";
import { PageHeader } from "~/components/ui";
import { attentionItems } from "~/server/billing/attention";
import { BILLING_ROLES } from "~/server/orgs/memberships";
import { api, getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { AttentionCard } from "./attention-card";
import { getDashboardContext } from "./dashboard-context";
import { PlanCard, RecentInvoicesCard, UsageCard } from "./org-home";
import { OrganizationsPanel } from "./settings/organizations-panel";

const RECENT_INVOICES = 5;

export const metadata: Metadata = { title: "Overview" };

export default async function DashboardPage() {
  const { active } = await getDashboardContext();
  if (!active) {
    // An invitee who left (or was removed from) their only org: they start one of their own here.
    await getQueryClient().prefetchQuery(trpc.org.list.queryOptions());
    return (
      <HydrateClient>
        <PageHeader title="No organization" description="Create an organization, or ask an owner to invite you to theirs." />
        <OrganizationsPanel />
      </HydrateClient>
    );
  }
  const orgId = active.organization.id;
  // Read-only and rendered on the server: the same procedures (and role rules) as the billing
  // pages, read once, so the attention list and the sections below it tell of one snapshot.
  const caller = await api();
  const [overview, usage, budgets, invoices] = await Promise.all([
    caller.billing.overview({ orgId }),
    caller.usage.current({ orgId }),
    caller.usage.budgets({ orgId }),
    caller.invoices.list({ orgId, limit: RECENT_INVOICES }),
  ]);
  const canManage = BILLING_ROLES.includes(active.role);
  return (
    <>
      <PageHeader title={active.organization.name} description={`You are ${active.role.toLowerCase()} of this organization.`} />
      <div className="space-y-6">
        <AttentionCard items={attentionItems({ overview, usage, budgets: budgets.budgets })} planName={overview.subscribedPlanName ?? overview.planName} />
        <PlanCard overview={overview} canManage={canManage} />
        <div className="grid gap-6 lg:grid-cols-2">
          <UsageCard lines={usage} />
          <RecentInvoicesCard invoices={invoices.items} />
        </div>
      </div>
    </>
  );
}
