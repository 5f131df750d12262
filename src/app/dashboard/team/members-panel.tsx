"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ListState } from "~/components/list-state";
import { ErrorAlert } from "~/components/error-alert";
import { Button, Card, TableScroll } from "~/components/ui";
import type { Role } from "~/generated/prisma/enums";
import { useTRPC } from "~/trpc/react";

const ROLES: Role[] = ["OWNER", "ADMIN", "MEMBER"];

/** Everyone sees the members (name, email, role); an owner changes roles and removes; anyone leaves. */
export function MembersPanel({ orgId, userId, role }: { orgId: string; userId: string; role: Role }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.team.members.queryOptions({ orgId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.team.members.queryKey({ orgId }) });
  const changeRole = useMutation(trpc.team.changeRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.team.removeMember.mutationOptions({ onSettled: refresh }));
  const leave = useMutation(
    trpc.team.leave.mutationOptions({
      onSuccess: () => {
        router.push("/dashboard");
        router.refresh();
      },
    }),
  );
  const isOwner = role === "OWNER";
  const error = changeRole.error ?? remove.error ?? leave.error;

  return (
    <Card
      title="Members"
      action={
        <Button variant="danger" disabled={leave.isPending} onClick={() => leave.mutate({ orgId })}>
          Leave organization
        </Button>
      }
    >
      <ErrorAlert error={error} className="mb-3" />
      <ListState query={members} noun="members" empty="No members.">
        {(rows) => (
          <TableScroll label="Members table">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 font-medium">Name</th>
                  <th className="py-2 font-medium">Email</th>
                  <th className="py-2 font-medium">Role</th>
                  {isOwner && (
                    <th className="py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((m) => (
                  <tr key={m.user.id} data-testid="member-row">
                    <td className="py-2 font-medium text-slate-900">
                      {m.user.name}
                      {m.user.id === userId && <span className="text-slate-500"> (you)</span>}
                    </td>
                    <td className="py-2 text-slate-600">{m.user.email}</td>
                    <td className="py-2">
                      {isOwner ? (
                        <select
                          aria-label={`Role of ${m.user.email}`}
                          value={m.role}
                          disabled={changeRole.isPending}
                          onChange={(e) => changeRole.mutate({ orgId, userId: m.user.id, role: e.target.value as Role })}
                          className="rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm"
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span data-testid="member-role">{m.role}</span>
                      )}
                    </td>
                    {isOwner && (
                      <td className="py-2 text-right">
                        {m.user.id !== userId && (
                          <Button
                            variant="secondary"
                            aria-label={`Remove ${m.user.email}`}
                            disabled={remove.isPending}
                            onClick={() => remove.mutate({ orgId, userId: m.user.id })}
                          >
                            Remove
                          </Button>
                        )}
                      </td>
                    )}
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
