import type { Metadata } from "next";
import { PageHeader } from "~/components/ui";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { requireActiveOrg } from "../dashboard-context";
import { ProjectsPanel } from "./projects-panel";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const { active } = await requireActiveOrg();
  const orgId = active.organization.id;
  // Awaited: the client components then render with the data, so server and client HTML match.
  await getQueryClient().prefetchQuery(trpc.project.list.queryOptions({ orgId }));
  return (
    <HydrateClient>
      <PageHeader title="Projects" description="Automation projects of this organization." />
      <ProjectsPanel orgId={orgId} />
    </HydrateClient>
  );
}
