import Link from "next/link";
import { Card, PageHeader } from "~/components/ui";
import { getOrganization } from "~/server/orgs/memberships";
import { getDashboardContext } from "./dashboard-context";

export default async function DashboardPage() {
  const { user, active } = await getDashboardContext();
  if (!active) {
    return <PageHeader title="No organization" description="Ask an owner to invite you, or register again." />;
  }
  const org = await getOrganization({ userId: user.id, organizationId: active.organization.id, role: active.role });
  return (
    <>
      <PageHeader title={org.name} description={`You are ${active.role.toLowerCase()} of this organization.`} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Projects" value={org._count.projects} href="/dashboard/projects" />
        <Stat label="Members" value={org._count.memberships} href="/dashboard/settings" />
        <Stat label="Created" value={org.createdAt.toISOString().slice(0, 10)} href="/dashboard/billing" />
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
