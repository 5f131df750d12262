import { Heading, Text } from "@react-email/components";
import { formatUtc } from "./invitation";
import { EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface OperatorAlertProps {
  /** What failed for good, in a few words. */
  summary: string;
  /** The ids an operator needs to look it up (event, customer, organization); never secrets. */
  ids: Record<string, string>;
  lastError: string | null;
  /** ISO-8601, UTC. */
  at: string;
}

/** To BILLING_ADMIN_EMAILS when retries gave up (a webhook event, a job). */
export const operatorAlert = defineTemplate<OperatorAlertProps>({
  name: "operator-alert",
  subject: (p) => `[VantFlow ops] ${p.summary}`,
  Body: (p) => (
    <EmailLayout preview={p.lastError ? `Last error: ${p.lastError.slice(0, 80)}` : p.summary}>
      <Heading style={heading}>{p.summary}</Heading>
      <Text style={paragraph}>Retries gave up on {formatUtc(p.at)}. Nothing will try it again on its own.</Text>
      {Object.entries(p.ids).map(([name, value]) => (
        <Text key={name} style={{ ...paragraph, fontFamily: "monospace", margin: "0 0 4px" }}>
          {name}: {value}
        </Text>
      ))}
      <Text style={muted}>Last error: {p.lastError ?? "none recorded"}</Text>
    </EmailLayout>
  ),
  preview: {
    summary: "A Stripe webhook event was given up",
    ids: { event: "evt_1QpreviewXYZ", type: "invoice.payment_failed", customer: "cus_Rpreview", organization: "cm4preview0001" },
    lastError: "Request timed out after 80000 ms (api.stripe.com)",
    at: "2026-12-14T10:00:00.000Z",
  },
});
