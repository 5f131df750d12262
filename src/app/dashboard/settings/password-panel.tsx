"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PasswordField } from "~/components/password-field";
import { Alert, Button, Card, Field } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { useLeaveDashboard } from "./leave-dashboard";

/** Password change: every other session (and every copy of this browser's cookie) is signed out. */
export function PasswordPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { leave } = useLeaveDashboard();
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: async ({ signedIn }) => {
        if (!signedIn) return leave();
        await queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
      },
    }),
  );
  const fieldErrors = change.error?.data?.fieldErrors;

  return (
    <Card title="Change password">
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const data = new FormData(form);
          change.mutate(
            { currentPassword: String(data.get("currentPassword") ?? ""), newPassword: String(data.get("newPassword") ?? "") },
            { onSuccess: () => form.reset() },
          );
        }}
      >
        {change.error && !fieldErrors && <Alert>{change.error.message}</Alert>}
        {change.isSuccess && (
          <Alert tone="success">Password changed. Every other session has been signed out.</Alert>
        )}
        <Field
          id="current-password"
          name="currentPassword"
          type="password"
          label="Current password"
          autoComplete="current-password"
          error={fieldErrors?.currentPassword}
          required
        />
        <PasswordField id="new-password" name="newPassword" label="New password" autoComplete="new-password" error={fieldErrors?.newPassword} required />
        <Button type="submit" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </Button>
      </form>
    </Card>
  );
}
