import Link from "next/link";
import { requestLocale } from "~/app/request-locale";
import { formatDate, formatMoney } from "~/components/format";
import { StatusBadge } from "~/components/status-badge";
import { ButtonLink, Card } from "~/components/ui";
import { UsageBar } from "~/components/usage-bar";
import type { Metric } from "~/server/billing/plans";
import type { RouterOutputs } from "~/trpc/react";

type Overview = RouterOutputs["billing"]["overview"];

/** Where a counted metric is managed; the monthly quota's page is the billing page (the card's own link). */
const METRIC_PAGES: Partial<Record<Metric, string>> = { projects: "/dashboard/projects", team_members: "/dashboard/team" };
type Invoice = RouterOutputs["invoices"]["list"]["items"][number];

/** A section's way to its own page, named so that each link says where it goes. */
function SectionLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="whitespace-nowrap text-sm font-medium text-brand-700 hover:underline">
      {children}
    </Link>
  );
}

/** Plan and status, the trial's end and the next invoice; a Free org gets the way to upgrade. */
export async function PlanCard({ overview: o, canManage }: { overview: Overview; canManage: boolean }) {
  const locale = await requestLocale();
  const sub = o.subscription;
  return (
    <Card title="Plan" action={<SectionLink href="/dashboard/billing">Billing details</SectionLink>}>
      <div className="flex flex-wrap items-center gap-3">
        <p data-testid="home-plan" className="text-3xl font-semibold tracking-tight">
          {sub ? (o.subscribedPlanName ?? o.planName) : o.planName}
        </p>
        {sub && <StatusBadge status={sub.status} />}
        {sub?.interval && <span className="text-sm text-slate-500">billed {sub.interval === "year" ? "yearly" : "monthly"}</span>}
      </div>
      <dl className="mt-6 grid gap-4 text-sm sm:grid-cols-2">
        {o.trialDaysLeft !== null && (
          <div>
            <dt className="text-slate-500">Trial</dt>
            <dd data-testid="home-trial" className="font-medium">
              Ends {formatDate(sub?.trialEnd, locale)} ({o.trialDaysLeft === 1 ? "1 day" : `${o.trialDaysLeft} days`} left)
            </dd>
          </div>
        )}
        <div>
          <dt className="text-slate-500">Next invoice</dt>
          <dd data-testid="home-next-invoice" className="font-medium">
            {o.nextInvoice ? `${formatMoney(o.nextInvoice.amount, o.nextInvoice.currency)} on ${formatDate(o.nextInvoice.date, locale)}` : "No upcoming invoice"}
          </dd>
          {sub?.cancelAtPeriodEnd && <dd className="text-amber-700">Ends on {formatDate(sub.currentPeriodEnd, locale)}</dd>}
        </div>
      </dl>
      {!sub && <UpgradeCall canManage={canManage} trialAvailable={o.trialAvailable} />}
    </Card>
  );
}

/** Only owners and admins can start a plan (the billing router's rule); a member is told whom to ask. */
function UpgradeCall({ canManage, trialAvailable }: { canManage: boolean; trialAvailable: boolean }) {
  return (
    <div data-testid="home-upgrade" className="mt-6 flex flex-wrap items-center justify-between gap-3 rounded-lg bg-brand-50 p-4 text-sm">
      <p className="text-slate-700">
        {trialAvailable ? "Pro and Business raise every limit, and start with a 14-day free trial." : "Pro and Business raise every limit."}
        {!canManage && " An owner or admin of this organization can upgrade it."}
      </p>
      {canManage ? (
        <ButtonLink href="/dashboard/billing/upgrade">Upgrade</ButtonLink>
      ) : (
        <ButtonLink href="/dashboard/billing/upgrade" variant="secondary">
          See plans
        </ButtonLink>
      )}
    </div>
  );
}

/** This month's usage against the limits in force (a budget when an owner set one lower). */
export function UsageCard({ lines }: { lines: RouterOutputs["usage"]["current"] }) {
  return (
    <Card title="Usage this month" action={<SectionLink href="/dashboard/billing">Usage details</SectionLink>}>
      <ul data-testid="home-usage" className="space-y-4 text-sm">
        {lines.map((line) => (
          <UsageBar key={line.metric} line={line} href={METRIC_PAGES[line.metric]} />
        ))}
      </ul>
      <p className="mt-4 text-xs text-slate-500">Monthly quotas start again on the 1st of each month (UTC).</p>
    </Card>
  );
}

/** A section whose read failed: its card stays in place and says so, and a reload tries again. */
export function UnavailableCard({ title, section, text }: { title: string; section: string; text: string }) {
  return (
    <Card title={title}>
      <p role="status" data-testid="home-unavailable" data-section={section} className="text-sm text-slate-500">
        {text} Reload the page to try again.
      </p>
    </Card>
  );
}

/** The newest invoices that charged something; the invoices page has them all, $0 ones included. */
export async function RecentInvoicesCard({ invoices }: { invoices: Invoice[] }) {
  const locale = await requestLocale();
  return (
    <Card title="Recent invoices" action={<SectionLink href="/dashboard/billing/invoices">All invoices</SectionLink>}>
      {invoices.length === 0 ? (
        <p data-testid="home-no-invoices" className="text-sm text-slate-500">
          No charges yet. Invoices appear here once a paid plan bills.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {invoices.map((invoice) => (
            <li key={invoice.id} data-testid="home-invoice" className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-2">
              <span className="text-slate-600">{formatDate(invoice.stripeCreatedAt, locale)}</span>
              <span className="flex items-center gap-3">
                <StatusBadge status={invoice.status} />
                <span className="font-medium">{formatMoney(invoice.total, invoice.currency)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
