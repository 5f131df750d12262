import Link from "next/link";
import { requestLocale } from "~/app/request-locale";
import type { ReactNode } from "react";
import { formatCount, formatDate, formatMoney, formatPercent } from "~/components/format";
import { Card } from "~/components/ui";
import type { AttentionItem } from "~/server/billing/attention";
import type { Metric } from "~/server/billing/plans";
import { nextMonthStart } from "~/server/usage/periods";

type Tone = "critical" | "warning" | "info";

const TONES: Record<Tone, string> = {
  critical: "border-red-500 bg-red-50 text-red-900",
  warning: "border-amber-500 bg-amber-50 text-amber-950",
  info: "border-slate-400 bg-slate-50 text-slate-800",
};

const QUOTAS: Record<Metric, string> = { gemini_tokens: "monthly Gemini token quota", projects: "project limit", team_members: "seat limit" };

interface Shown {
  tone: Tone;
  text: ReactNode;
  links: { href: string; label: string; external?: boolean }[];
}

/** In the item's own colour: it contrasts with the tinted background as the text does. */
const LINK = "whitespace-nowrap font-medium underline";
const BILLING = "/dashboard/billing";
const PLANS = "/dashboard/billing/upgrade";

const days = (n: number) => (n === 0 ? "today" : n === 1 ? "in 1 day" : `in ${n} days`);

/** An item's words and where to act on it; the item itself (from src/server) decides only what needs attention. */
function shown(item: AttentionItem, planName: string, locale: string): Shown {
  switch (item.kind) {
    case "unpaid":
      return { tone: "critical", text: "The subscription is unpaid: the paid limits are off until the open invoice is paid.", links: [{ href: "/dashboard/billing/invoices", label: "Invoices" }] };
    case "past_due":
      return {
        tone: "critical",
        text: (
          <>
            The last payment failed{item.amountDue !== null && item.currency ? `: ${formatMoney(item.amountDue, item.currency)} is due` : ""}.
            {item.graceEndsAt ? ` ${planName} limits stay on until ${formatDate(item.graceEndsAt, locale)}.` : ""}
          </>
        ),
        links: [...(item.payUrl ? [{ href: item.payUrl, label: "Pay now", external: true }] : []), { href: "/dashboard/billing/payment-methods", label: "Payment methods" }],
      };
    case "budget_reached":
      return {
        tone: "critical",
        text: `The monthly budget of ${formatCount(item.limit)} Gemini tokens is used up: automations stop until ${formatDate(nextMonthStart(new Date()), locale)}.`,
        links: [{ href: BILLING, label: "Budget" }],
      };
    case "limit_reached":
      return { tone: "critical", text: limitText(item, locale), links: [{ href: PLANS, label: "See plans" }] };
    case "trial_ending":
      return {
        tone: "warning",
        text: `Trial ends ${days(item.daysLeft)}${item.trialEnd ? `, on ${formatDate(item.trialEnd, locale)}` : ""}: then the ${planName} plan is billed to the card on file unless it is canceled.`,
        links: [{ href: BILLING, label: "Billing" }],
      };
    case "near_limit":
      return {
        tone: "warning",
        text: `${formatPercent(item.percentage)}% of the ${item.limitType === "budget" ? "monthly budget" : QUOTAS[item.metric]} is used.`,
        links: [{ href: item.limitType === "budget" ? BILLING : PLANS, label: item.limitType === "budget" ? "Budget" : "See plans" }],
      };
    case "pending_cancellation":
      return { tone: "info", text: `The ${planName} subscription ends on ${formatDate(item.endsAt, locale)}; the organization then goes back to Free.`, links: [{ href: BILLING, label: "Billing" }] };
  }
}

function limitText(item: Extract<AttentionItem, { kind: "limit_reached" }>, locale: string) {
  if (item.metric === "gemini_tokens") return `The ${QUOTAS.gemini_tokens} (${formatCount(item.limit)}) is used up: automations stop until ${formatDate(nextMonthStart(new Date()), locale)}.`;
  if (item.metric === "projects") return `All ${item.limit} projects of the plan are in use: a new one is refused.`;
  return `${item.current} team members for ${item.limit} seats: new members are refused until some leave or the plan grows.`;
}

/**
 * What needs the org's attention, most urgent first, each with the page where it is dealt with.
 * `incomplete`: usage or budgets could not be read, so the limits were not checked, and "nothing
 * needs attention" is not claimed.
 */
export async function AttentionCard({ items, incomplete, planName }: { items: AttentionItem[]; incomplete: boolean; planName: string }) {
  const locale = await requestLocale();
  return (
    <Card title="Needs attention">
      {incomplete && (
        <p data-testid="attention-incomplete" className="mb-3 text-sm text-slate-500">
          Usage against the limits cannot be checked right now.
        </p>
      )}
      {items.length === 0 && incomplete ? null : items.length === 0 ? (
        <p data-testid="attention-none" className="text-sm text-slate-500">
          Nothing needs attention: payments are in order and usage is within its limits.
        </p>
      ) : (
        <ul data-testid="attention" className="space-y-3">
          {items.map((item) => {
            const { tone, text, links } = shown(item, planName, locale);
            return (
              <li
                key={"metric" in item ? `${item.kind}:${item.metric}` : item.kind}
                data-testid="attention-item"
                data-kind={item.kind}
                className={`flex flex-wrap items-center justify-between gap-x-4 gap-y-2 rounded-lg border-l-4 px-4 py-3 text-sm ${TONES[tone]}`}
              >
                <p>{text}</p>
                <span className="flex gap-4">
                  {links.map((link) =>
                    link.external ? (
                      <a key={link.label} href={link.href} className={LINK}>
                        {link.label}
                      </a>
                    ) : (
                      <Link key={link.label} href={link.href} className={LINK}>
                        {link.label}
                      </Link>
                    ),
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
