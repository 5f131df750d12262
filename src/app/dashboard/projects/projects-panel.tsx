"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { ListState } from "~/components/list-state";
import { NameForm } from "~/components/name-form";
import { useDateFormat } from "~/components/locale";
import { Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

export function ProjectsPanel({ orgId }: { orgId: string }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.project.list.queryOptions({ orgId }));
  const create = useMutation(
    trpc.project.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ orgId }) });
      },
    }),
  );

  return (
    <div className="space-y-6">
      <Card title="New project">
        <NameForm
          id="project-name"
          label="Name"
          submitLabel="Create project"
          pending={create.isPending}
          error={create.error}
          onCreate={(name) => create.mutateAsync({ orgId, name })}
        />
      </Card>
      <Card title="All projects">
        <ListState query={projects} noun="projects" empty="No projects yet. Create one above.">
          {(rows) => (
            <ul className="divide-y divide-slate-100">
              {rows.map((p) => (
                <li key={p.id} className="flex items-center justify-between py-3 text-sm">
                  <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/projects/${p.id}`}>
                    {p.name}
                  </Link>
                  <span className="text-slate-500">{formatDate(p.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </ListState>
      </Card>
    </div>
  );
}
