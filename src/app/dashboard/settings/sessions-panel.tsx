"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDateFormat } from "~/components/locale";
import { ListState } from "~/components/list-state";
import { Alert, Button, Card, TableScroll } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { useLeaveDashboard } from "./leave-dashboard";

/** The user's signed-in browsers, with revoke per session and "Sign out everywhere". */
export function SessionsPanel() {
  const { formatDateTime } = useDateFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const { leaving, leave } = useLeaveDashboard();
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: ({ signedOut }) =>
        signedOut ? leave() : queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() }),
    }),
  );
  const everywhere = useMutation(trpc.account.signOutEverywhere.mutationOptions({ onSuccess: leave }));
  const busy = revoke.isPending || everywhere.isPending || leaving;
  const error = revoke.error ?? everywhere.error;

  return (
    <Card
      title="Signed-in sessions"
      action={
        <Button variant="danger" className="px-3 py-1" disabled={busy} onClick={() => everywhere.mutate()}>
          Sign out everywhere
        </Button>
      }
    >
      <p className="mb-4 text-sm text-slate-500">
        Every browser signed in to your account. Revoking a session signs it out at its next request.
      </p>
      {error && (
        <div className="mb-4">
          <Alert>{error.message}</Alert>
        </div>
      )}
      <ListState query={sessions} noun="sessions" empty="No active sessions.">
        {(rows) => (
          <TableScroll label="Sessions table">
            <table className="w-full table-fixed text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="w-2/5 py-2">Browser</th>
                  <th>Signed in</th>
                  <th>Last seen</th>
                  <th className="w-24" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((s) => (
                  <tr key={s.id} data-testid="session-row">
                    <td className="py-3 pr-3">
                      <span className="block truncate" title={s.userAgent ?? undefined}>
                        {s.userAgent ?? "Unknown browser"}
                      </span>
                      {s.current && <span className="text-xs font-medium text-emerald-700">This device</span>}
                    </td>
                    <td className="text-slate-500">{formatDateTime(s.createdAt)}</td>
                    <td className="text-slate-500">{formatDateTime(s.lastSeenAt)}</td>
                    <td className="text-right">
                      <Button
                        variant="danger"
                        className="px-3 py-1"
                        disabled={busy}
                        onClick={() => revoke.mutate({ sessionId: s.id })}
                      >
                        Revoke
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </ListState>
    </Card>
  );
}
