import { Button, Heading, Text } from "@react-email/components";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface TrialStartedProps {
  organizationName: string;
  planName: string;
  /** ISO-8601, UTC. */
  trialEndsAt: string;
  billingUrl: string;
}

export const trialStarted = defineTemplate<TrialStartedProps>({
  name: "trial-started",
  subject: (p) => `Your ${p.planName} trial for ${p.organizationName} has started`,
  Body: (p) => (
    <EmailLayout preview={`Your free ${p.planName} trial runs until ${formatUtc(p.trialEndsAt)}`}>
      <Heading style={heading}>Welcome to {p.planName}</Heading>
      <Text style={paragraph}>
        {p.organizationName} is on a free {p.planName} trial until {formatUtc(p.trialEndsAt)}. You have every {p.planName} limit in the meantime.
      </Text>
      <Text style={paragraph}>When the trial ends, the card on file is charged for the first period. You can change plans or cancel before then.</Text>
      <Button href={p.billingUrl} style={button}>
        Manage billing
      </Button>
      <Text style={muted}>We will remind you three days before the trial ends.</Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    planName: "Pro",
    trialEndsAt: "2026-12-14T10:00:00.000Z",
    billingUrl: "http://localhost:3000/dashboard/billing",
  },
});
