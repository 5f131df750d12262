import { Button, Heading, Text } from "@react-email/components";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";
import { trialStarted, type TrialStartedProps } from "./trial-started";

/** The same facts as the trial's start (the plan, when the trial ends, where billing is managed), and the whole days left by Stripe's clock. */
export type TrialEndingProps = TrialStartedProps & { daysLeft: number };

/** Stripe's `customer.subscription.trial_will_end`: within three days of the trial's end. */
export const trialEnding = defineTemplate<TrialEndingProps>({
  name: "trial-ending",
  subject: (p) => `Your ${p.planName} trial for ${p.organizationName} ends in ${p.daysLeft} ${p.daysLeft === 1 ? "day" : "days"}`,
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
  preview: { ...trialStarted.preview, daysLeft: 3 },
});
