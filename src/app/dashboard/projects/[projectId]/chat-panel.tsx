"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatCount } from "~/components/format";
import { ListState } from "~/components/list-state";
import { Alert, Button, Card, inputClass } from "~/components/ui";
import { useTRPC } from "~/trpc/react";


/** A reply's cost as the org is charged for it: the total, split into prompt and reply when the model said so. */
function TokenCost({ total, prompt, completion }: { total: number; prompt: number | null; completion: number | null }) {
  return (
    <p className="mt-2 text-xs text-slate-500" data-testid="token-cost">
      {formatCount(total)} tokens{prompt !== null && completion !== null ? ` (prompt ${formatCount(prompt)} + reply ${formatCount(completion)})` : ""}
    </p>
  );
}

export function ChatPanel({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const messages = useQuery(trpc.chat.list.queryOptions({ projectId }));
  const [content, setContent] = useState("");
  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: async () => {
        setContent("");
        await queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ projectId }) });
      },
    }),
  );
  const quota = send.error?.data?.quota as { upgradeUrl: string; budgetUrl?: string; quota: { current: number; limit: number } } | null | undefined;
  const fieldError = send.error?.data?.fieldErrors?.content?.[0];

  return (
    <div className="space-y-6">
      <Card title="Conversation">
        <ListState query={messages} noun="messages" empty="No messages yet. Ask something below.">
          {(rows) => (
            <ol className="space-y-4" aria-label="Messages">
              {rows.map((m) => (
                <li
                  key={m.id}
                  className={m.role === "USER" ? "ml-12 rounded-lg bg-brand-50 p-3 text-sm" : "mr-12 rounded-lg border border-slate-200 p-3 text-sm"}
                  data-role={m.role.toLowerCase()}
                >
                  <p className="mb-1 text-xs font-medium uppercase text-slate-500">{m.role === "USER" ? "You" : (m.model ?? "Model")}</p>
                  <p className="whitespace-pre-wrap">{m.content}</p>
                  {m.role === "ASSISTANT" && m.totalTokens !== null && (
                    <TokenCost total={m.totalTokens} prompt={m.promptTokens} completion={m.completionTokens} />
                  )}
                </li>
              ))}
            </ol>
          )}
        </ListState>
      </Card>
      <Card title="New message">
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate({ projectId, content });
          }}
        >
          <label htmlFor="chat-content" className="block text-sm font-medium text-slate-700">
            Message
          </label>
          <textarea
            id="chat-content"
            rows={3}
            value={content}
            onChange={(e) => setContent(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
            className={`${inputClass} border-slate-300`}
          />
          {fieldError && <p className="text-sm text-red-600">{fieldError}</p>}
          <Button type="submit" disabled={send.isPending || !content.trim()}>
            {send.isPending ? "Sending…" : "Send"}
          </Button>
        </form>
        {send.error && !fieldError && (
          <div className="mt-3">
            <Alert>
              {send.error.message}
              {quota && (
                <>
                  {" "}
                  ({formatCount(quota.quota.current)} of {formatCount(quota.quota.limit)} tokens used this month.){" "}
                  <Link className="font-medium underline" href={quota.budgetUrl ?? quota.upgradeUrl}>
                    {quota.budgetUrl ? "Review the budget" : "Upgrade your plan"}
                  </Link>
                </>
              )}
            </Alert>
          </div>
        )}
      </Card>
    </div>
  );
}
