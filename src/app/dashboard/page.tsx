import type { Metadata } from "next";
import { PageHeader } from "~/components/ui";
import { logger } from "~/server/logger";
import { BILLING_ROLES } from "~/server/orgs/memberships";
import { api, getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { AttentionCard } from "./attention-card";
import { getDashboardContext } from "./dashboard-context";
import { PlanCard, RecentInvoicesCard, UnavailableCard, UsageCard } from "./org-home";
import { loadOrgHome } from "./org-home-data";
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
  // pages, read once, so the attention list and the sections below it tell of one snapshot. A
  // section that fails (usage reads Redis) leaves its card saying so; the others still render.
  const caller = await api();
  const { overview, usage, invoices, attention } = await loadOrgHome(
    {
      overview: () => caller.billing.overview({ orgId }),
      usage: () => caller.usage.current({ orgId }),
      budgets: () => caller.usage.budgets({ orgId }),
      // What was charged: the $0 invoices (one per plan change in a trial) are on the invoices page.
      invoices: () => caller.invoices.list({ orgId, limit: RECENT_INVOICES, hideZero: true }),
    },
    (section, error) => logger.error("dashboard home: a section could not be read", { section, orgId, error: error instanceof Error ? error.message : String(error) }),
  );
  const canManage = BILLING_ROLES.includes(active.role);
  return (
    <>
      <PageHeader title={active.organization.name} description={`You are ${active.role.toLowerCase()} of this organization.`} />
      <div className="space-y-6">
        {overview && attention ? (
          <AttentionCard items={attention.items} incomplete={attention.incomplete} planName={overview.subscribedPlanName ?? overview.planName} />
        ) : (
          <UnavailableCard title="Needs attention" section="attention" text="What needs attention cannot be checked right now." />
        )}
        {overview ? <PlanCard overview={overview} canManage={canManage} /> : <UnavailableCard title="Plan" section="plan" text="Plan details are unavailable right now." />}
        <div className="grid gap-6 lg:grid-cols-2">
          {usage ? <UsageCard lines={usage} /> : <UnavailableCard title="Usage this month" section="usage" text="Usage unavailable right now." />}
          {invoices ? <RecentInvoicesCard invoices={invoices.items} /> : <UnavailableCard title="Recent invoices" section="invoices" text="Invoices are unavailable right now." />}
        </div>
      </div>
    </>
  );
}
