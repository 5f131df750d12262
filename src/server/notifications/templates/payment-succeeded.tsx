import { Button, Heading, Text } from "@react-email/components";
import { formatMoney } from "~/components/format";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface PaymentSucceededProps {
  organizationName: string;
  /** Integer minor units of `currency`. */
  amountPaid: number;
  currency: string;
  invoiceNumber: string | null;
  invoiceUrl: string | null;
  /** ISO-8601, UTC. */
  paidAt: string;
  /** The payment settled an invoice that had failed: the org is back in good standing. */
  recovered: boolean;
}

/** The receipt. */
export const paymentSucceeded = defineTemplate<PaymentSucceededProps>({
  name: "payment-succeeded",
  subject: (p) => `Receipt for ${p.organizationName}: ${formatMoney(p.amountPaid, p.currency)} paid`,
  Body: (p) => (
    <EmailLayout preview={`${formatMoney(p.amountPaid, p.currency)} paid${p.recovered ? ": you're back in good standing" : ""}`}>
      <Heading style={heading}>Payment received</Heading>
      {p.recovered ? <Text style={paragraph}>Thank you: the overdue invoice is paid and {p.organizationName} is back in good standing.</Text> : null}
      <Text style={paragraph}>
        We received {formatMoney(p.amountPaid, p.currency)} from {p.organizationName} on {formatUtc(p.paidAt)}
        {p.invoiceNumber ? ` for invoice ${p.invoiceNumber}` : ""}.
      </Text>
      {p.invoiceUrl ? (
        <Button href={p.invoiceUrl} style={button}>
          View the invoice
        </Button>
      ) : null}
      <Text style={muted}>Keep this email for your records. Every invoice is also listed on the billing page.</Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    amountPaid: 2900,
    currency: "usd",
    invoiceNumber: "ACME-0002",
    invoiceUrl: "https://invoice.stripe.com/i/acct_preview/in_preview",
    paidAt: "2026-12-14T10:00:00.000Z",
    recovered: false,
  },
});
