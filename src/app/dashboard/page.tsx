import Link from "next/link";
import { formatDate } from "~/components/format";
import { Card, PageHeader } from "~/components/ui";
import { getOrganization } from "~/server/orgs/memberships";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { requestLocale } from "../request-locale";
import { getDashboardContext } from "./dashboard-context";
import { OrganizationsPanel } from "./settings/organizations-panel";

export default async function DashboardPage() {
  const { user, active } = await getDashboardContext();
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
  const org = await getOrganization({ userId: user.id, organizationId: active.organization.id, role: active.role });
  return (
    <>
      <PageHeader title={org.name} description={`You are ${active.role.toLowerCase()} of this organization.`} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Projects" value={org._count.projects} href="/dashboard/projects" />
        <Stat label="Members" value={org._count.memberships} href="/dashboard/team" />
        <Stat label="Created" value={formatDate(org.createdAt, await requestLocale())} href="/dashboard/billing" />
      </div>
    </>
  );
}

function Stat({ label, value, href }: { label: string; value: number | string; href: string }) {
  return (
    <Link href={href} className="block transition hover:-translate-y-0.5">
      <Card>
        <p className="text-sm text-slate-500">{label}</p>
        <p className="mt-1 text-2xl font-semibold">{value}</p>
      </Card>
    </Link>
  );
}
