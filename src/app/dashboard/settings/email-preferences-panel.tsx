"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Card } from "~/components/ui";
import { useHydrated } from "~/components/use-hydrated";
import { useTRPC } from "~/trpc/react";

/** The user's own opt-out of usage alert emails; payment emails always go. */
export function EmailPreferencesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const preferences = useQuery(trpc.account.emailPreferences.queryOptions());
  // Set in the click's own render: the mutation's pending state arrives a tick later, and a
  // controlled checkbox would flick back to the stored value in between.
  const [choice, setChoice] = useState<boolean | null>(null);
  const set = useMutation(
    trpc.account.setUsageAlertEmails.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.account.emailPreferences.queryKey(), data),
      onSettled: () => setChoice(null),
    }),
  );
  const checked = choice ?? preferences.data?.usageAlertEmails ?? true;

  return (
    <Card title="Email notifications">
      {set.error && (
        <div className="mb-4">
          <Alert>{set.error.message}</Alert>
        </div>
      )}
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-1 h-4 w-4"
          checked={checked}
          disabled={!hydrated || !preferences.data || set.isPending}
          onChange={(e) => {
            setChoice(e.target.checked);
            set.mutate({ enabled: e.target.checked });
          }}
        />
        <span>
          <span className="font-medium text-slate-900">Usage alerts</span>
          <span className="block text-slate-500">
            Email me when an organization I own or administer reaches 80 % or 100 % of a plan limit or budget. Payment and
            billing emails are always sent.
          </span>
        </span>
      </label>
    </Card>
  );
}
