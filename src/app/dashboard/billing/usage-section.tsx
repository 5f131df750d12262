"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatCount, formatPercent } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { Alert, Card } from "~/components/ui";
import { METRIC_LABELS, UsageBar } from "~/components/usage-bar";
import { NEAR_LIMIT_PERCENT } from "~/server/billing/attention";
import type { Metric } from "~/server/billing/plans";
import { METERED_METRICS } from "~/server/usage/keys";
import type { UsageLine } from "~/server/usage/read-usage";
import { nextMonthStart } from "~/server/usage/periods";
import { useTRPC } from "~/trpc/react";
import { BudgetForm } from "./budget-form";
import { UsageChart } from "./usage-chart";
import { usageChartPoints } from "./usage-chart-data";

const QUOTA_LABELS: Record<Metric, string> = { gemini_tokens: "Gemini token quota", projects: "project limit", team_members: "seat limit" };
const UPGRADE_PATH = "/dashboard/billing/upgrade";

/**
 * This month's usage against the limits in force, as one section: a bar per metric (usage vs the
 * plan's limit), the daily chart with its forecast, and the upgrade banner.
 */
export function UsageSection({ orgId, planName }: { orgId: string; planName: string }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const current = useQuery(trpc.usage.current.queryOptions({ orgId }));
  const daily = useQuery(trpc.usage.daily.queryOptions({ orgId }));
  const forecast = useQuery(trpc.usage.forecast.queryOptions({ orgId }));

  if (current.isPending) return <p className="text-sm text-slate-500">Loading usage…</p>;
  if (current.isError) return <Alert>Could not load usage: {current.error.message}</Alert>;
  const tokens = current.data.find((l) => l.metric === "gemini_tokens");

  return (
    <>
      <QuotaBanner lines={current.data} forecast={forecast.data ?? null} />
      <Card
        title="Usage and limits"
        action={
          <Link className="text-sm font-medium text-brand-700 hover:underline" href={UPGRADE_PATH}>
            Compare plans
          </Link>
        }
      >
        <p className="-mt-2 mb-4 text-sm text-slate-500">
          This month against the limits of your {planName} plan. Monthly quotas reset on the 1st (UTC).
        </p>
        <ul data-testid="usage-summary" className="space-y-4 text-sm">
          {current.data.map((line) => (
            <UsageBar key={line.metric} line={line} />
          ))}
        </ul>
        {tokens && daily.data && forecast.data && (
          <div className="mt-6 border-t border-slate-100 pt-4">
            <h3 className="text-sm font-medium text-slate-700">{METRIC_LABELS.gemini_tokens}, day by day</h3>
            <p data-testid="usage-forecast" className="mt-1 text-sm text-slate-500">
              At this pace: about {formatCount(forecast.data.projected)} by the end of the month
              {forecast.data.limitReachedOn ? `; the limit is reached on ${formatDate(forecast.data.limitReachedOn)}` : ""}.
            </p>
            <UsageChart points={usageChartPoints(daily.data, forecast.data)} limit={tokens.limit} label={METRIC_LABELS.gemini_tokens} />
          </div>
        )}
      </Card>
      <BudgetForm orgId={orgId} />
    </>
  );
}

/**
 * The monthly quotas (metered metrics) at 80 % or more: these stop the org's automations when
 * they run out. Counted limits (projects, seats) show in their bars only: a Free org is always at
 * its one seat, and nothing is interrupted there.
 */
function QuotaBanner({ lines, forecast }: { lines: UsageLine[]; forecast: { period: string; limitReachedOn: string | null } | null }) {
  const { formatDate } = useDateFormat();
  const line = lines
    .filter((l) => (METERED_METRICS as readonly Metric[]).includes(l.metric) && !l.unlimited && l.percentage >= NEAR_LIMIT_PERCENT)
    .sort((a, b) => b.percentage - a.percentage)[0];
  if (!line) return null;
  const label = QUOTA_LABELS[line.metric];
  const exceeded = line.percentage >= 100;
  const resetsOn = forecast ? formatDate(nextMonthStart(new Date(`${forecast.period}-01T00:00:00Z`))) : "next month";
  const limitReachedOn = forecast?.limitReachedOn;
  return (
    <div data-testid="usage-banner" data-level={exceeded ? "exceeded" : "warning"}>
      <Alert tone={exceeded ? "error" : "warning"}>
        {exceeded
          ? `Your organization has used all of its monthly ${label} (${formatPercent(line.percentage)}%): automations stop until ${resetsOn}. `
          : `Your organization has used ${formatPercent(line.percentage)}% of its monthly ${label}${limitReachedOn ? `; at this pace it runs out on ${formatDate(limitReachedOn)}` : ""}. `}
        <Link className="font-medium underline" href={UPGRADE_PATH}>
          {exceeded ? "Upgrade now" : "See plans"}
        </Link>
      </Alert>
    </div>
  );
}
