import { Button, Heading, Link, Text } from "@react-email/components";
import { formatUtc } from "./invitation";
import { button, EmailLayout, heading, muted, paragraph } from "./layout";
import { defineTemplate } from "./template";

export interface UsageAlertProps {
  organizationName: string;
  /** What the metric counts, e.g. "Gemini tokens". */
  metricLabel: string;
  threshold: 80 | 100;
  used: number;
  limit: number;
  /** The plan's limit, or the monthly budget an owner set below it. */
  limitType: "plan" | "budget";
  /** ISO-8601, UTC: when the monthly quota starts again. */
  resetsAt: string;
  upgradeUrl: string;
  /** Where an owner raises or clears the budget. */
  billingUrl: string;
  /** The recipient's own one-click opt-out link (usage alerts are optional emails). */
  unsubscribeUrl?: string;
}

const count = new Intl.NumberFormat("en-US");
const limitName = (p: UsageAlertProps) => (p.limitType === "budget" ? "monthly budget" : "plan's monthly limit");

export const usageAlert = defineTemplate<UsageAlertProps>({
  name: "usage-alert",
  subject: (p) =>
    p.threshold === 100
      ? `${p.organizationName} has reached its ${limitName(p)} of ${p.metricLabel}`
      : `${p.organizationName} has used 80% of its ${limitName(p)} of ${p.metricLabel}`,
  Body: (p) => (
    <EmailLayout preview={`${p.threshold}% of the ${limitName(p)} of ${p.metricLabel} used`} unsubscribeUrl={p.unsubscribeUrl}>
      <Heading style={heading}>
        {p.threshold === 100 ? `${p.metricLabel}: ${limitName(p)} reached` : `${p.metricLabel}: 80% of the ${limitName(p)} used`}
      </Heading>
      <Text style={paragraph}>
        {p.organizationName} has used {count.format(p.used)} of its {limitName(p)} of {count.format(p.limit)} {p.metricLabel} this month.
        {p.threshold === 100
          ? " Requests that need more are refused until the limit is raised or the month ends."
          : " At 100% further requests are refused until the month ends."}
      </Text>
      {p.limitType === "budget" ? (
        <Text style={paragraph}>
          The budget was set by an owner below the plan&apos;s limit; an owner can raise or clear it on the{" "}
          <Link href={p.billingUrl}>billing page</Link>.
        </Text>
      ) : null}
      {p.limitType === "budget" ? (
        <Button href={p.billingUrl} style={button}>
          Review the budget
        </Button>
      ) : (
        <Button href={p.upgradeUrl} style={button}>
          Upgrade your plan
        </Button>
      )}
      <Text style={muted}>The monthly quota starts again on {formatUtc(p.resetsAt)}.</Text>
    </EmailLayout>
  ),
  preview: {
    organizationName: "Acme Automations",
    metricLabel: "Gemini tokens",
    threshold: 80,
    used: 80_412,
    limit: 100_000,
    limitType: "plan",
    resetsAt: "2026-12-01T00:00:00.000Z",
    upgradeUrl: "http://localhost:3000/billing/upgrade",
    billingUrl: "http://localhost:3000/dashboard/billing",
    unsubscribeUrl: "http://localhost:3000/unsubscribe?token=preview",
  },
});
