"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "~/components/confirm-dialog";
import { ListState } from "~/components/list-state";
import { Button, Card } from "~/components/ui";
import { toast } from "~/components/toast";
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
  const [removing, setRemoving] = useState<{ id: string; label: string } | null>(null);

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
                  <span className="font-medium">{cardLabel(card)}</span>
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
                    <Button variant="danger" disabled={busy} onClick={() => setRemoving({ id: card.stripePaymentMethodId, label: cardLabel(card) })}>
                      Remove
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </ListState>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.label ?? "this card"}?`}
        confirmLabel="Remove card"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) remove.mutate({ orgId, paymentMethodId: removing.id });
          setRemoving(null);
        }}
      >
        Stripe will no longer charge this card for the organization.
      </ConfirmDialog>
    </Card>
  );
}

/** "Visa •••• 4242": the card as the user knows it, in the list and in the removal question. */
function cardLabel(card: { brand: string | null; type: string; last4: string | null }) {
  const brand = card.brand ?? card.type;
  return `${brand.charAt(0).toUpperCase()}${brand.slice(1)} •••• ${card.last4 ?? "????"}`;
}
