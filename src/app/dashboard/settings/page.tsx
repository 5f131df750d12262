import type { Metadata } from "next";
import { Card, PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { getDashboardContext } from "../dashboard-context";
import { ApiTokensPanel } from "./api-tokens-panel";
import { EmailPreferencesPanel } from "./email-preferences-panel";
import { OrganizationsPanel } from "./organizations-panel";
import { PasswordPanel } from "./password-panel";
import { SessionsPanel } from "./sessions-panel";

export const metadata: Metadata = { title: "Settings" };

/** The account's sections need no organization; only the API tokens (issued per org) do. */
export default async function SettingsPage() {
  const { active } = await getDashboardContext();
  const orgId = active?.organization.id ?? null;
  // Awaited: the client components then render with the data, so server and client HTML match.
  await Promise.all([
    orgId ? getQueryClient().prefetchQuery(trpc.token.list.queryOptions({ orgId })) : null,
    getQueryClient().prefetchQuery(trpc.org.list.queryOptions()),
    getQueryClient().prefetchQuery(trpc.account.sessions.queryOptions()),
    getQueryClient().prefetchQuery(trpc.account.emailPreferences.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Settings" description={active ? `API access for ${active.organization.name}.` : "Your account and organizations."} />
      <div className="space-y-6">
        {orgId ? (
          <ApiTokensPanel orgId={orgId} />
        ) : (
          <Card title="API tokens">
            <p data-testid="no-org-tokens" className="text-sm text-slate-600">
              API tokens act in an organization: create or join one first.
            </p>
          </Card>
        )}
        <OrganizationsPanel />
        <h2 className="pt-4 text-lg font-semibold text-slate-900">Account security</h2>
        <PasswordPanel />
        <SessionsPanel />
        <EmailPreferencesPanel />
      </div>
    </HydrateClient>
  );
}
