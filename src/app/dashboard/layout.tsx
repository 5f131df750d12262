import Link from "next/link";
import { DashboardNav } from "~/components/dashboard-nav";
import { DashboardSidebar } from "~/components/dashboard-sidebar";
import { NotificationBell } from "~/components/notification-bell";
import { OrgSwitcher } from "~/components/org-switcher";
import { switchOrganization } from "./actions";
import { getDashboardContext } from "./dashboard-context";
import { SignOutButton } from "./sign-out-button";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user, memberships, active } = await getDashboardContext();
  return (
    <div className="min-h-screen md:flex">
      {/* The first tab stop: keyboard users skip the navigation to the page itself. */}
      <a
        href="#main-content"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-brand-700 focus:shadow-lg"
      >
        Skip to content
      </a>
      <DashboardSidebar
        brand={
          <Link href="/dashboard" className="block text-lg font-semibold tracking-tight text-brand-700">
            VantFlow
          </Link>
        }
        bell={active && <NotificationBell orgId={active.organization.id} />}
        organization={
          <div className="space-y-1">
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
        }
        nav={<DashboardNav />}
        account={
          <>
            <p className="truncate font-medium text-slate-900">{user.name}</p>
            <p className="truncate text-slate-500">{user.email}</p>
            <SignOutButton />
          </>
        }
      />
      {/* Focusable so the skip link moves focus here; not a tab stop of its own. */}
      <main id="main-content" tabIndex={-1} className="min-w-0 flex-1 p-4 focus:outline-none sm:p-6 md:p-10">
        <div className="mx-auto max-w-4xl">{children}</div>
      </main>
    </div>
  );
}
