import type { Metadata } from "next";
import { PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { requireActiveOrg } from "../dashboard-context";
import { ApiTokensPanel } from "./api-tokens-panel";
import { EmailPreferencesPanel } from "./email-preferences-panel";
import { OrganizationsPanel } from "./organizations-panel";
import { PasswordPanel } from "./password-panel";
import { SessionsPanel } from "./sessions-panel";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { active } = await requireActiveOrg();
  const orgId = active.organization.id;
  // Awaited: the client components then render with the data, so server and client HTML match.
  await Promise.all([
    getQueryClient().prefetchQuery(trpc.token.list.queryOptions({ orgId })),
    getQueryClient().prefetchQuery(trpc.org.list.queryOptions()),
    getQueryClient().prefetchQuery(trpc.account.sessions.queryOptions()),
    getQueryClient().prefetchQuery(trpc.account.emailPreferences.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Settings" description={`API access for ${active.organization.name}.`} />
      <div className="space-y-6">
        <ApiTokensPanel orgId={orgId} />
        <OrganizationsPanel />
        <h2 className="pt-4 text-lg font-semibold text-slate-900">Account security</h2>
        <PasswordPanel />
        <SessionsPanel />
        <EmailPreferencesPanel />
      </div>
    </HydrateClient>
  );
}
