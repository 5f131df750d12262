"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useDateFormat } from "~/components/locale";
import { ListState } from "~/components/list-state";
import { NameForm } from "~/components/name-form";
import { Alert, Button, Card, TableScroll } from "~/components/ui";
import { useTRPC } from "~/trpc/react";


/**
 * The lifetimes offered (API callers may pick any 1–365 days). 90 days is the default: long
 * enough that a CI secret is not rotated every week, short enough that a forgotten or leaked
 * token stops working on its own; "never" stays available for what cannot be rotated.
 */
const EXPIRY_CHOICES = [7, 30, 90, 365] as const;
const DEFAULT_EXPIRY = "90";

/** "Expired" against the time the list was read, so a render stays pure. */
const expired = (expiresAt: Date | null, readAt: number) => expiresAt !== null && expiresAt.getTime() <= readAt;

export function ApiTokensPanel({ orgId }: { orgId: string }) {
  const { formatDate, formatDateTime } = useDateFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.token.list.queryOptions({ orgId }));
  const [created, setCreated] = useState<string | null>(null);
  const [expiry, setExpiry] = useState(DEFAULT_EXPIRY);
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
          Send it as <code className="rounded bg-slate-100 px-1 text-slate-800">Authorization: Bearer &lt;token&gt;</code> to the
          REST API. It is shown once; only a hash is stored.
        </p>
        <NameForm
          id="token-name"
          label="Token name"
          submitLabel="Create token"
          pending={create.isPending}
          error={create.error}
          onCreate={(name) => create.mutateAsync({ orgId, name, expiresInDays: expiry === "never" ? null : Number(expiry) })}
        >
          <div className="space-y-1">
            <label htmlFor="token-expiry" className="block text-sm font-medium text-slate-700">
              Expires
            </label>
            <select
              id="token-expiry"
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
              className="block rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
            >
              {EXPIRY_CHOICES.map((days) => (
                <option key={days} value={String(days)}>
                  in {days} days
                </option>
              ))}
              <option value="never">never</option>
            </select>
          </div>
        </NameForm>
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
            <TableScroll label="API tokens table">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th className="py-2">Name</th>
                    <th>Prefix</th>
                    <th>Last used</th>
                    <th>Expiry</th>
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
                      <td className="text-slate-500">
                        {!t.expiresAt ? "Never expires" : expired(t.expiresAt, tokens.dataUpdatedAt) ? `Expired ${formatDate(t.expiresAt)}` : `Expires ${formatDate(t.expiresAt)}`}
                      </td>
                      <td>
                        {t.revokedAt ? (
                          <span className="text-slate-500">revoked</span>
                        ) : expired(t.expiresAt, tokens.dataUpdatedAt) ? (
                          <span className="text-slate-500">expired</span>
                        ) : (
                          "active"
                        )}
                      </td>
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
            </TableScroll>
          )}
        </ListState>
      </Card>
    </div>
  );
}
