"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ListState } from "~/components/list-state";
import { Alert, Button, Card, Field } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

export function ProjectsPanel({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.project.list.queryOptions({ orgId }));
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.project.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        await queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ orgId }) });
      },
    }),
  );

  return (
    <div className="space-y-6">
      <Card title="New project">
        <form
          className="flex items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ orgId, name });
          }}
        >
          <div className="flex-1">
            <Field
              id="project-name"
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={create.error?.data?.fieldErrors?.name}
            />
          </div>
          <Button type="submit" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create project"}
          </Button>
        </form>
        {create.error && !create.error.data?.fieldErrors && (
          <div className="mt-3">
            <Alert>{create.error.message}</Alert>
          </div>
        )}
      </Card>
      <Card title="All projects">
        <ListState query={projects} noun="projects" empty="No projects yet. Create one above.">
          {(rows) => (
            <ul className="divide-y divide-slate-100">
              {rows.map((p) => (
                <li key={p.id} className="flex items-center justify-between py-3 text-sm">
                  <span className="font-medium">{p.name}</span>
                  <span className="text-slate-400">{p.createdAt.toISOString().slice(0, 10)}</span>
                </li>
              ))}
            </ul>
          )}
        </ListState>
      </Card>
    </div>
  );
}
