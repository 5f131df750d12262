import { Button, Heading, Text } from "@react-email/components";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface SubscriptionCanceledProps {
  organizationName: string;
  planName: string;
  upgradeUrl: string;
}

export const subscriptionCanceled = defineTemplate<SubscriptionCanceledProps>({
  name: "subscription-canceled",
  subject: (p) => `${p.organizationName} is back on the Free plan`,
  Body: (p) => (
    <EmailLayout preview={`The ${p.planName} subscription has ended; Free limits apply now`}>
      <Heading style={heading}>Your subscription has ended</Heading>
      <Text style={paragraph}>
        The {p.planName} subscription of {p.organizationName} has ended, and the organization is on the Free plan with its limits. Your projects
        and members are kept.
      </Text>
      <Button href={p.upgradeUrl} style={button}>
        Choose a plan
      </Button>
      <Text style={muted}>No further charges will be made for this subscription.</Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    planName: "Pro",
    upgradeUrl: "http://localhost:3000/dashboard/billing/upgrade",
  },
});
