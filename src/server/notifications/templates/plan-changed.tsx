import { Button, Heading, Text } from "@react-email/components";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface PlanChangedProps {
  organizationName: string;
  fromPlan: string;
  fromInterval: string | null;
  toPlan: string;
  toInterval: string | null;
  billingUrl: string;
}

const billed = (plan: string, interval: string | null) => (interval ? `${plan}, billed ${interval === "year" ? "yearly" : "monthly"}` : plan);

export const planChanged = defineTemplate<PlanChangedProps>({
  name: "plan-changed",
  subject: (p) => `${p.organizationName} is now on ${p.toPlan}`,
  Body: (p) => (
    <EmailLayout preview={`Plan changed from ${p.fromPlan} to ${p.toPlan}`}>
      <Heading style={heading}>Your plan changed</Heading>
      <Text style={paragraph}>
        {p.organizationName} moved from {billed(p.fromPlan, p.fromInterval)} to {billed(p.toPlan, p.toInterval)}. The limits of {p.toPlan} apply now.
      </Text>
      <Button href={p.billingUrl} style={button}>
        View billing
      </Button>
      <Text style={muted}>Any proration shows on your next invoice.</Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    fromPlan: "Pro",
    fromInterval: "month",
    toPlan: "Business",
    toInterval: "year",
    billingUrl: "http://localhost:3000/dashboard/billing",
  },
});
