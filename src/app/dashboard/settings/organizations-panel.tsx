"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ListState } from "~/components/list-state";
import { Alert, Button, Card, Field } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

export function OrganizationsPanel() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const orgs = useQuery(trpc.org.list.queryOptions());
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.org.create.mutationOptions({
      onSuccess: async () => {
        setName("");
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
                <span className="text-slate-400">{o.role.toLowerCase()}</span>
              </li>
            ))}
          </ul>
        )}
      </ListState>
      <form
        className="flex items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name });
        }}
      >
        <div className="flex-1">
          <Field id="org-name" label="New organization" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <Button type="submit" variant="secondary" disabled={create.isPending || !name.trim()}>
          {create.isPending ? "Creating…" : "Create organization"}
        </Button>
      </form>
      {create.error && (
        <div className="mt-3">
          <Alert>{create.error.message}</Alert>
        </div>
      )}
    </Card>
  );
}
