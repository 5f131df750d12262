import type { Metadata } from "next";
import { PageHeader } from "~/components/ui";
import { BILLING_ROLES } from "~/server/orgs/memberships";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { requireActiveOrg } from "../dashboard-context";
import { InvitationsPanel } from "./invitations-panel";
import { InviteForm } from "./invite-form";
import { MembersPanel } from "./members-panel";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const { active, user } = await requireActiveOrg();
  const orgId = active.organization.id;
  const canInvite = BILLING_ROLES.includes(active.role);
  // Awaited: the client components then render with the data, so server and client HTML match.
  await Promise.all([
    getQueryClient().prefetchQuery(trpc.team.members.queryOptions({ orgId })),
    canInvite ? getQueryClient().prefetchQuery(trpc.team.invitations.queryOptions({ orgId })) : null,
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Team" description={`Members of ${active.organization.name} and their roles.`} />
      <div className="space-y-6">
        <MembersPanel orgId={orgId} userId={user.id} role={active.role} />
        {canInvite && (
          <>
            <InviteForm orgId={orgId} />
            <InvitationsPanel orgId={orgId} />
          </>
        )}
      </div>
    </HydrateClient>
  );
}
