"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "~/components/format";
import { ListState } from "~/components/list-state";
import { NameForm } from "~/components/name-form";
import { Alert, Button, Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

export function ApiTokensPanel({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.token.list.queryOptions({ orgId }));
  const [created, setCreated] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.token.list.queryKey({ orgId }) });
  const create = useMutation(
    trpc.token.create.mutationOptions({
      onSuccess: async (row) => {
        setCreated(row.token);
        await refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.token.revoke.mutationOptions({ onSuccess: refresh }));

  return (
    <div className="space-y-6">
      <Card title="Create an API token">
        <p className="mb-4 text-sm text-slate-500">
          Send it as <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code> to the
          REST API. It is shown once; only a hash is stored.
        </p>
        <NameForm
          id="token-name"
          label="Token name"
          submitLabel="Create token"
          pending={create.isPending}
          error={create.error}
          onCreate={(name) => create.mutateAsync({ orgId, name })}
        />
        {created && (
          <div className="mt-4">
            <Alert tone="success">
              <p className="mb-2 font-medium">Copy your new token now. You will not see it again.</p>
              <code data-testid="new-token" className="block break-all rounded bg-white px-2 py-1 font-mono text-xs">
                {created}
              </code>
            </Alert>
          </div>
        )}
      </Card>
      <Card title="Tokens">
        <ListState query={tokens} noun="tokens" empty="No tokens yet.">
          {(rows) => (
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-400">
                <tr>
                  <th className="py-2">Name</th>
                  <th>Prefix</th>
                  <th>Last used</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((t) => (
                  <tr key={t.id} data-testid="token-row">
                    <td className="py-3 font-medium">{t.name}</td>
                    <td className="font-mono text-xs">{t.prefix}…</td>
                    <td className="text-slate-500">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "never"}</td>
                    <td>{t.revokedAt ? <span className="text-slate-400">revoked</span> : "active"}</td>
                    <td className="text-right">
                      {!t.revokedAt && (
                        <Button
                          variant="danger"
                          className="px-3 py-1"
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate({ orgId, tokenId: t.id })}
                        >
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </ListState>
      </Card>
    </div>
  );
}
