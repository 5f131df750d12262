"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatCount, formatLimit } from "~/components/format";
import { Button, Card, Field } from "~/components/ui";
import { toast } from "~/components/toast";
import { useTRPC } from "~/trpc/react";


/** The monthly token budget: owners set or clear it (below the plan's limit); everyone else sees it. */
export function BudgetForm({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const budgets = useQuery(trpc.usage.budgets.queryOptions({ orgId }));
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | undefined>();
  const refresh = () => Promise.all([queryClient.invalidateQueries(trpc.usage.pathFilter())]);
  const set = useMutation(
    trpc.usage.setBudget.mutationOptions({
      onSuccess: async (r) => {
        setError(undefined);
        setValue("");
        await refresh();
        toast.success(`Monthly budget set to ${formatCount(r.budget)} tokens.`);
      },
      onError: (e) => setError(e.data?.fieldErrors?.limit?.[0] ?? e.message),
    }),
  );
  const clear = useMutation(
    trpc.usage.clearBudget.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Monthly budget cleared: the plan's limit applies.");
      },
      onError: (e) => toast.error(e.message),
    }),
  );
  const line = budgets.data?.budgets.find((b) => b.metric === "gemini_tokens");
  if (!budgets.data || !line) return null;

  return (
    <Card title="Monthly token budget">
      <p data-testid="budget-current" className="text-sm text-slate-600">
        {line.budget === null
          ? `No budget: the plan's limit (${formatLimit(line.planLimit)} tokens a month) applies.`
          : `Budget: ${formatCount(line.budget)} tokens a month (the plan allows ${formatLimit(line.planLimit)}). Alerts at 80% and 100% of it; requests past it are refused.`}
      </p>
      {budgets.data.canSet ? (
        <form
          className="mt-4 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const limit = Number(value);
            if (!Number.isSafeInteger(limit) || limit <= 0) return setError("Enter a positive whole number of tokens.");
            set.mutate({ orgId, metric: "gemini_tokens", limit });
          }}
        >
          <div className="w-56">
            <Field
              id="budget-limit"
              label="Tokens per month"
              inputMode="numeric"
              value={value}
              onChange={(e) => setValue(e.target.value.replace(/[^\d]/g, ""))}
              error={error}
              placeholder={line.planLimit === null ? "e.g. 1000000" : `below ${formatCount(line.planLimit)}`}
            />
          </div>
          <Button type="submit" disabled={set.isPending || value === ""}>
            Set budget
          </Button>
          {line.budget !== null && (
            <Button type="button" variant="secondary" disabled={clear.isPending} onClick={() => clear.mutate({ orgId, metric: "gemini_tokens" })}>
              Clear budget
            </Button>
          )}
        </form>
      ) : (
        <p className="mt-2 text-sm text-slate-500">Only an owner can change the budget.</p>
      )}
    </Card>
  );
}
