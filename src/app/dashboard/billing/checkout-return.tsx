"use client";

import { useMutation, useMutationState, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { toast } from "~/components/toast";
import { useTRPC } from "~/trpc/react";

/**
 * The return from a Checkout (or card setup) Session. The page renders at once with this
 * "Confirming…" status; the browser then asks the server to sync from Stripe (not waiting for the
 * webhook), which takes seconds, and the result replaces the status: the page's data refreshed and
 * a toast. The query string goes as the call starts (history.replaceState, which Next's router
 * follows without a request), so a reload does not confirm again; nothing navigates when the call
 * ends, so a user who has moved on to another page meanwhile stays there.
 */
export function CheckoutReturn({ orgId, sessionId, confirming, done }: { orgId: string; sessionId: string; confirming: string; done: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const complete = useMutation(
    trpc.billing.completeCheckout.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        toast.success(done);
      },
      onError: () => toast.error("We could not confirm that with Stripe yet. It will appear here within a minute."),
    }),
  );
  // Once per return, also under React's double-run of effects in development.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    window.history.replaceState(window.history.state, "", window.location.pathname);
    complete.mutate({ orgId, sessionId });
  }, [complete, orgId, sessionId]);

  if (complete.isSuccess || complete.isError) return null;
  return (
    <div role="status" data-testid="checkout-confirming" className="mb-6 flex items-center gap-3 rounded-lg border border-brand-100 bg-brand-50 px-4 py-3 text-sm text-brand-800">
      <span aria-hidden="true" className="size-4 shrink-0 animate-spin rounded-full border-2 border-brand-300 border-t-brand-700" />
      {confirming}
    </div>
  );
}

/**
 * Whether the Checkout return on this page (`returned`: the page was opened with its session id)
 * is still being confirmed: from the first render, before the call starts, until it settles. The
 * call's onSuccess (the refetch) finishes before it counts as settled, so the data shown after is
 * the confirmed one. Meanwhile the plan the page has is the one before paying (Free).
 */
export function useConfirmingCheckout(returned: boolean) {
  const trpc = useTRPC();
  const statuses = useMutationState({ filters: { mutationKey: trpc.billing.completeCheckout.mutationKey() }, select: (m) => m.state.status });
  const last = statuses.at(-1);
  return returned && (last === undefined || last === "idle" || last === "pending");
}
