"use client";

import { useState } from "react";
import { postJson } from "~/components/post-json";
import { Alert, Button } from "~/components/ui";

export function UnsubscribeConfirm({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function confirm() {
    setPending(true);
    setError(null);
    const answer = await postJson(`/api/email/unsubscribe?token=${encodeURIComponent(token)}`);
    setPending(false);
    if (answer.ok) setDone(true);
    else setError(answer.body.message ?? "Could not unsubscribe. Try again.");
  }

  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Unsubscribe from usage alerts</h1>
      {done ? (
        <Alert tone="success">You will no longer get usage alert emails. Turn them back on any time in your account settings.</Alert>
      ) : (
        <>
          <p className="text-sm text-slate-500">
            You will stop getting emails when an organization reaches 80 % or 100 % of a plan limit or budget. Payment and
            billing emails are still sent.
          </p>
          {error && <Alert>{error}</Alert>}
          <Button type="button" className="w-full" disabled={pending} onClick={() => void confirm()}>
            {pending ? "Unsubscribing…" : "Unsubscribe"}
          </Button>
        </>
      )}
    </div>
  );
}
