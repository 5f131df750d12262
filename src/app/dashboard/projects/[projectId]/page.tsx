import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "~/components/ui";
import { api, getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { ChatPanel } from "./chat-panel";

export const metadata: Metadata = { title: "Project chat" };

export default async function ProjectChatPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  // A project of an org the user is not in is NOT_FOUND, never shown.
  const project = await (await api()).project.get({ projectId }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  await getQueryClient().prefetchQuery(trpc.chat.list.queryOptions({ projectId }));
  return (
    <HydrateClient>
      <p className="mb-2 text-sm">
        <Link className="text-brand-700 hover:underline" href="/dashboard/projects">
          ← Projects
        </Link>
      </p>
      <PageHeader title={project.name} description="Ask the model about this project. Every reply shows the tokens it cost your organization." />
      <ChatPanel projectId={projectId} />
    </HydrateClient>
  );
}
