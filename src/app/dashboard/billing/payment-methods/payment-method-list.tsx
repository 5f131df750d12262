"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { ListState } from "~/components/list-state";
import { Button, Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

export function PaymentMethodList({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cards = useQuery(trpc.billing.paymentMethods.queryOptions({ orgId }));
  const done = (message: string) => async (rows: unknown) => {
    queryClient.setQueryData(trpc.billing.paymentMethods.queryKey({ orgId }), rows as typeof cards.data);
    await queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId }) });
    toast.success(message);
  };
  const failed = (error: { message: string }) => toast.error(error.message);
  const add = useMutation(trpc.billing.addPaymentMethod.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url), onError: failed }));
  const setDefault = useMutation(trpc.billing.setDefaultPaymentMethod.mutationOptions({ onSuccess: done("Default card updated."), onError: failed }));
  const remove = useMutation(trpc.billing.removePaymentMethod.mutationOptions({ onSuccess: done("Card removed."), onError: failed }));
  const busy = add.isPending || setDefault.isPending || remove.isPending;

  return (
    <Card
      title="Cards"
      action={
        canManage && (
          <Button disabled={busy} onClick={() => add.mutate({ orgId })}>
            {add.isPending ? "Redirecting…" : "Add card"}
          </Button>
        )
      }
    >
      <ListState query={cards} noun="payment methods" empty="No card on file yet. Add one, or start a plan to save one.">
        {(rows) => (
          <ul className="divide-y divide-slate-100">
            {rows.map((card) => (
              <li key={card.stripePaymentMethodId} data-testid="payment-method" className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                <span>
                  <span className="font-medium capitalize">{card.brand ?? card.type}</span> •••• {card.last4}
                  <span className="ml-3 text-slate-500">
                    expires {String(card.expMonth).padStart(2, "0")}/{card.expYear}
                  </span>
                  {card.isDefault && <span className="ml-3 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">Default</span>}
                </span>
                {canManage && (
                  <span className="flex gap-2">
                    {!card.isDefault && (
                      <Button variant="secondary" disabled={busy} onClick={() => setDefault.mutate({ orgId, paymentMethodId: card.stripePaymentMethodId })}>
                        Make default
                      </Button>
                    )}
                    <Button variant="danger" disabled={busy} onClick={() => remove.mutate({ orgId, paymentMethodId: card.stripePaymentMethodId })}>
                      Remove
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </ListState>
    </Card>
  );
}
