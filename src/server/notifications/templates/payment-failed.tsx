import { Button, Heading, Text } from "@react-email/components";
import { formatMoney } from "~/components/format";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface PaymentFailedProps {
  organizationName: string;
  /** Integer minor units of `currency`. */
  amountDue: number;
  currency: string;
  invoiceNumber: string | null;
  /** Stripe's hosted invoice page: pay it there with any card. */
  payUrl: string;
  /** ISO-8601, UTC: when the paid limits stop applying, if that is still ahead; else null. */
  graceEndsAt: string | null;
  /** The grace period is over: the paid limits are suspended until the invoice is paid. */
  limitsSuspended: boolean;
  paymentMethodsUrl: string;
}

export const paymentFailed = defineTemplate<PaymentFailedProps>({
  name: "payment-failed",
  subject: (p) => `Payment failed for ${p.organizationName}: ${formatMoney(p.amountDue, p.currency)} is due`,
  Body: (p) => (
    <EmailLayout preview={`We could not charge ${formatMoney(p.amountDue, p.currency)}. Pay the invoice to keep your plan.`}>
      <Heading style={heading}>Your payment failed</Heading>
      <Text style={paragraph}>
        We could not charge the card of {p.organizationName} for {formatMoney(p.amountDue, p.currency)}
        {p.invoiceNumber ? ` (invoice ${p.invoiceNumber})` : ""}.
        {p.graceEndsAt ? ` Your plan's limits stay on until ${formatUtc(p.graceEndsAt)}; after that the organization falls back to Free until the invoice is paid.` : ""}
        {p.limitsSuspended ? " The grace period is over: your plan's limits are suspended, and the organization has Free's limits until the invoice is paid." : ""}
      </Text>
      <Button href={p.payUrl} style={button}>
        Pay the invoice
      </Button>
      <Text style={muted}>
        We retry the card automatically. To use another card for future payments, update it on the billing page: {p.paymentMethodsUrl}
      </Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    amountDue: 2900,
    currency: "usd",
    invoiceNumber: "ACME-0002",
    payUrl: "https://invoice.stripe.com/i/acct_preview/in_preview",
    graceEndsAt: "2026-12-21T10:00:00.000Z",
    limitsSuspended: false,
    paymentMethodsUrl: "http://localhost:3000/dashboard/billing/payment-methods",
  },
});
