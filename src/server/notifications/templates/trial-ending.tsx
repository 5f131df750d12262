import { Button, Heading, Text } from "@react-email/components";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface TrialEndingProps {
  organizationName: string;
  planName: string;
  /** ISO-8601, UTC. */
  trialEndsAt: string;
  billingUrl: string;
}

/** Stripe's `customer.subscription.trial_will_end`, three days before the trial's end. */
export const trialEnding = defineTemplate<TrialEndingProps>({
  name: "trial-ending",
  subject: (p) => `Your ${p.planName} trial for ${p.organizationName} ends in 3 days`,
  Body: (p) => (
    <EmailLayout preview={`The trial ends on ${formatUtc(p.trialEndsAt)}: check your card or change plans`}>
      <Heading style={heading}>Your trial ends soon</Heading>
      <Text style={paragraph}>
        The free {p.planName} trial of {p.organizationName} ends on {formatUtc(p.trialEndsAt)}. The card on file is then charged for the first
        period, and the {p.planName} limits stay on.
      </Text>
      <Button href={p.billingUrl} style={button}>
        Review billing
      </Button>
      <Text style={muted}>To stay on Free instead, cancel the subscription before the trial ends.</Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    planName: "Pro",
    trialEndsAt: "2026-12-14T10:00:00.000Z",
    billingUrl: "http://localhost:3000/dashboard/billing",
  },
});
