import Link from "next/link";
import { formatCount, formatLimit, formatPercent } from "~/components/format";
import { NEAR_LIMIT_PERCENT } from "~/server/billing/attention";
import type { Metric } from "~/server/billing/plans";
import type { UsageLine } from "~/server/usage/read-usage";

export const METRIC_LABELS: Record<Metric, string> = { gemini_tokens: "Gemini tokens / month", projects: "Projects", team_members: "Team members" };



/** One metric this month against its limit in force: amber from the near-limit threshold, red at the limit; `href` links the label to the metric's page. */
export function UsageBar({ line, href }: { line: UsageLine; href?: string }) {
  const label = METRIC_LABELS[line.metric];
  const width = Math.min(100, line.percentage);
  const tone = line.percentage >= 100 ? "bg-red-500" : line.percentage >= NEAR_LIMIT_PERCENT ? "bg-amber-500" : "bg-brand-600";
  return (
    <li data-testid={`usage-${line.metric}`}>
      <div className="flex justify-between gap-4">
        {href ? (
          <Link href={href} className="font-medium text-brand-700 hover:underline">
            {label}
          </Link>
        ) : (
          <span className="text-slate-600">{label}</span>
        )}
        <span className="font-medium">
          {formatCount(line.current)} / {formatLimit(line.limit)}
          {!line.unlimited && <span className="ml-2 text-slate-500">{formatPercent(line.percentage)}%</span>}
        </span>
      </div>
      {!line.unlimited && (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={width}
          aria-valuetext={`${formatPercent(line.percentage)}%`}
          className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100"
        >
          <div className={`h-full rounded-full ${tone}`} style={{ width: `${width}%` }} />
        </div>
      )}
    </li>
  );
}
