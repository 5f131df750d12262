"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "~/components/error-alert";
import { Alert, Button, Card, Field } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

/** OWNER/ADMIN: invites an address as ADMIN or MEMBER; past the plan's seats it shows the 402 with the upgrade link. */
export function InviteForm({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"ADMIN" | "MEMBER">("MEMBER");
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: async () => {
        setEmail("");
        await queryClient.invalidateQueries({ queryKey: trpc.team.invitations.queryKey({ orgId }) });
      },
    }),
  );
  const fieldError = invite.error?.data?.fieldErrors?.email;

  return (
    <Card title="Invite a teammate">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate({ orgId, email, role });
        }}
      >
        <div className="min-w-60 flex-1">
          <Field id="invite-email" type="email" label="Email address" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError} />
        </div>
        <div className="space-y-1">
          <label htmlFor="invite-role" className="block text-sm font-medium text-slate-700">
            Role
          </label>
          <select
            id="invite-role"
            value={role}
            onChange={(e) => setRole(e.target.value as "ADMIN" | "MEMBER")}
            className="block rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm"
          >
            <option value="MEMBER">Member</option>
            <option value="ADMIN">Admin</option>
          </select>
        </div>
        <Button type="submit" disabled={invite.isPending || !email.trim()}>
          {invite.isPending ? "Sending…" : "Send invitation"}
        </Button>
      </form>
      {invite.isSuccess && (
        <div className="mt-3">
          <Alert tone="success">Invitation sent to {invite.data.email}.</Alert>
        </div>
      )}
      {!fieldError && <ErrorAlert error={invite.error} />}
    </Card>
  );
}
