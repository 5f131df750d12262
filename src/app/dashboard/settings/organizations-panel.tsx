"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ListState } from "~/components/list-state";
import { NameForm } from "~/components/name-form";
import { Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

export function OrganizationsPanel() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const orgs = useQuery(trpc.org.list.queryOptions());
  const create = useMutation(
    trpc.org.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.org.list.queryKey() });
        // The organization switcher is rendered by the server layout.
        router.refresh();
      },
    }),
  );

  return (
    <Card title="Your organizations">
      <ListState query={orgs} noun="organizations" empty="You belong to no organization.">
        {(rows) => (
          <ul className="mb-4 divide-y divide-slate-100">
            {rows.map((o) => (
              <li key={o.id} className="flex items-center justify-between py-2 text-sm">
                <span className="font-medium">{o.name}</span>
                <span className="text-slate-500">{o.role.toLowerCase()}</span>
              </li>
            ))}
          </ul>
        )}
      </ListState>
      <NameForm
        id="org-name"
        label="New organization"
        submitLabel="Create organization"
        variant="secondary"
        pending={create.isPending}
        error={create.error}
        onCreate={(name) => create.mutateAsync({ name })}
      />
    </Card>
  );
}
