"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatLimit } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { Alert, Card } from "~/components/ui";
import type { Metric } from "~/server/billing/plans";
import { METERED_METRICS } from "~/server/usage/keys";
import { nextMonthStart } from "~/server/usage/periods";
import { useTRPC } from "~/trpc/react";
import { BudgetForm } from "./budget-form";
import { UsageChart } from "./usage-chart";
import { usageChartPoints } from "./usage-chart-data";

const METRIC_LABELS: Record<Metric, string> = { gemini_tokens: "Gemini tokens / month", projects: "Projects", team_members: "Team members" };
const QUOTA_LABELS: Record<Metric, string> = { gemini_tokens: "Gemini token quota", projects: "project limit", team_members: "seat limit" };
/** From here a metric's bar turns amber and a monthly quota gets the upgrade banner. */
const WARN_AT = 80;
const UPGRADE_PATH = "/dashboard/billing/upgrade";

const percent = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const count = new Intl.NumberFormat("en-US");

interface Line {
  metric: Metric;
  current: number;
  limit: number | null;
  percentage: number;
  unlimited: boolean;
}

/** This month's usage against the limits in force: a bar per metric, the daily chart with its forecast, and the upgrade banner. */
export function UsageSection({ orgId }: { orgId: string }) {
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
      <Card title="Usage this month">
        <ul data-testid="usage-summary" className="space-y-4 text-sm">
          {current.data.map((line) => (
            <UsageBar key={line.metric} line={line} />
          ))}
        </ul>
        {tokens && daily.data && forecast.data && (
          <div className="mt-6 border-t border-slate-100 pt-4">
            <h3 className="text-sm font-medium text-slate-700">{METRIC_LABELS.gemini_tokens}, day by day</h3>
            <p data-testid="usage-forecast" className="mt-1 text-sm text-slate-500">
              At this pace: about {count.format(forecast.data.projected)} by the end of the month
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

function UsageBar({ line }: { line: Line }) {
  const label = METRIC_LABELS[line.metric];
  const width = Math.min(100, line.percentage);
  const tone = line.percentage >= 100 ? "bg-red-500" : line.percentage >= WARN_AT ? "bg-amber-500" : "bg-brand-600";
  return (
    <li data-testid={`usage-${line.metric}`}>
      <div className="flex justify-between gap-4">
        <span className="text-slate-600">{label}</span>
        <span className="font-medium">
          {count.format(line.current)} / {formatLimit(line.limit)}
          {!line.unlimited && <span className="ml-2 text-slate-500">{percent.format(line.percentage)}%</span>}
        </span>
      </div>
      {!line.unlimited && (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={width}
          aria-valuetext={`${percent.format(line.percentage)}%`}
          className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100"
        >
          <div className={`h-full rounded-full ${tone}`} style={{ width: `${width}%` }} />
        </div>
      )}
    </li>
  );
}

/**
 * The monthly quotas (metered metrics) at 80 % or more: these stop the org's automations when
 * they run out. Counted limits (projects, seats) show in their bars only: a Free org is always at
 * its one seat, and nothing is interrupted there.
 */
function QuotaBanner({ lines, forecast }: { lines: Line[]; forecast: { period: string; limitReachedOn: string | null } | null }) {
  const { formatDate } = useDateFormat();
  const line = lines
    .filter((l) => (METERED_METRICS as readonly Metric[]).includes(l.metric) && !l.unlimited && l.percentage >= WARN_AT)
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
          ? `Your organization has used all of its monthly ${label} (${percent.format(line.percentage)}%): automations stop until ${resetsOn}. `
          : `Your organization has used ${percent.format(line.percentage)}% of its monthly ${label}${limitReachedOn ? `; at this pace it runs out on ${formatDate(limitReachedOn)}` : ""}. `}
        <Link className="font-medium underline" href={UPGRADE_PATH}>
          {exceeded ? "Upgrade now" : "See plans"}
        </Link>
      </Alert>
    </div>
  );
}
