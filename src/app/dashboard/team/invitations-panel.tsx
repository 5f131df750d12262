"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDateFormat } from "~/components/locale";
import { ListState } from "~/components/list-state";
import { ErrorAlert } from "~/components/error-alert";
import { Button, Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** OWNER/ADMIN: invitations not yet used or revoked, with their expiry, to resend or revoke. */
export function InvitationsPanel({ orgId }: { orgId: string }) {
  const { formatDateTime } = useDateFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.team.invitations.queryOptions({ orgId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.team.invitations.queryKey({ orgId }) });
  const resend = useMutation(trpc.team.resend.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.team.revoke.mutationOptions({ onSettled: refresh }));
  const error = resend.error ?? revoke.error;

  return (
    <Card title="Pending invitations">
      <ErrorAlert error={error} className="mb-3" />
      <ListState query={invitations} noun="invitations" empty="No pending invitations.">
        {(rows) => (
          <ul className="divide-y divide-slate-100">
            {rows.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm" data-testid="invitation-row">
                <div>
                  <p className="font-medium text-slate-900">{i.email}</p>
                  <p className="text-slate-500">
                    {i.role} · {i.expired ? `expired ${formatDateTime(i.expiresAt)}` : `expires ${formatDateTime(i.expiresAt)}`}
                  </p>
                </div>
                <div className="flex gap-2">
                  <Button
                    variant="secondary"
                    aria-label={`Resend invitation to ${i.email}`}
                    disabled={resend.isPending}
                    onClick={() => resend.mutate({ orgId, invitationId: i.id })}
                  >
                    Resend
                  </Button>
                  <Button
                    variant="danger"
                    aria-label={`Revoke invitation to ${i.email}`}
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ orgId, invitationId: i.id })}
                  >
                    Revoke
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </ListState>
    </Card>
  );
}
