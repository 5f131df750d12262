import Link from "next/link";
import { DashboardNav } from "~/components/dashboard-nav";
import { NotificationBell } from "~/components/notification-bell";
import { OrgSwitcher } from "~/components/org-switcher";
import { switchOrganization } from "./actions";
import { getDashboardContext } from "./dashboard-context";
import { SignOutButton } from "./sign-out-button";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user, memberships, active } = await getDashboardContext();
  return (
    <div className="min-h-screen md:flex">
      <aside className="border-b border-slate-200 bg-white p-4 md:min-h-screen md:w-60 md:border-r md:border-b-0">
        <Link href="/dashboard" className="mb-3 block text-lg font-semibold tracking-tight text-brand-700 md:mb-6">
          VantFlow
        </Link>
        <div className="mb-3 space-y-1 md:mb-6">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Organization</p>
          {memberships.length > 1 && active ? (
            <OrgSwitcher
              organizations={memberships.map((m) => m.organization)}
              activeId={active.organization.id}
              action={switchOrganization}
            />
          ) : (
            <p data-testid="org-name" className="text-sm font-medium text-slate-900">
              {active?.organization.name ?? "No organization"}
            </p>
          )}
        </div>
        {active && (
          <div className="mb-4">
            <NotificationBell orgId={active.organization.id} />
          </div>
        )}
        <DashboardNav />
        <div className="mt-4 border-t border-slate-100 pt-3 text-sm md:mt-8 md:pt-4">
          <p className="truncate font-medium text-slate-900">{user.name}</p>
          <p className="truncate text-slate-500">{user.email}</p>
          <SignOutButton />
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-4 sm:p-6 md:p-10">
        <div className="mx-auto max-w-4xl">{children}</div>
      </main>
    </div>
  );
}
