import { formatCount } from "~/components/format";
import { type ChartAxis, type UsageChartPoint, usageChartAxes } from "./usage-chart-data";

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** The plot's drawing units: one per day across, HEIGHT up; the SVG stretches to its box, its strokes do not. */
const HEIGHT = 1000;
const BAR_COLOR = "#a5b4fc";
const LINE_COLOR = "#4f46e5";
const LIMIT_COLOR = "#dc2626";

/**
 * This month's usage of a metered metric: bars per day (left axis), the running total and the
 * forecast at the pace so far (right axis), and the limit as a horizontal line on the totals' axis.
 * Plain SVG and HTML, rendered with the page: a charting library cost the billing page ~115 KB of
 * gzipped script and most of its main-thread time on a phone (Lighthouse, issue 14). The SVG
 * stretches to any width (preserveAspectRatio none, non-scaling strokes); its labels are HTML, so
 * text keeps its size. The drawing, its axis and day labels and the legend are hidden from screen
 * readers (read aloud they are a string of numbers); a visually hidden table gives them each day's
 * numbers instead.
 */
export function UsageChart({ points, limit, label }: { points: UsageChartPoint[]; limit: number | null; label: string }) {
  const axes = usageChartAxes(points, limit);
  const y = (value: number, axis: ChartAxis) => HEIGHT - (value / axis.max) * HEIGHT;
  const line = (key: "total" | "forecast") =>
    points.flatMap(({ day, [key]: value }) => (value === null ? [] : [`${day - 0.5},${y(value, axes.total)}`])).join(" ");
  return (
    <figure data-testid="usage-chart" aria-label={`${label}: daily usage and forecast this month`} className="w-full text-xs text-slate-500">
      <div data-testid="usage-chart-plot" aria-hidden="true" className="flex h-52 gap-2 pt-4">
        <AxisLabels axis={axes.daily} side="left" />
        <div className="relative flex-1 border-b border-slate-300">
          {axes.daily.ticks.map((tick) => (
            <div key={tick} className="absolute inset-x-0 border-t border-slate-200" style={{ bottom: `${(tick / axes.daily.max) * 100}%` }} />
          ))}
          <svg
            className="absolute inset-0 h-full w-full overflow-visible"
            viewBox={`0 0 ${points.length} ${HEIGHT}`}
            preserveAspectRatio="none"
          >
            {points.map((p) =>
              p.daily ? (
                <rect key={p.day} x={p.day - 0.85} width={0.7} y={y(p.daily, axes.daily)} height={HEIGHT - y(p.daily, axes.daily)} fill={BAR_COLOR}>
                  <title>{`Day ${p.day}: ${formatCount(p.daily)}${p.total === null ? "" : ` (${formatCount(p.total)} this month)`}`}</title>
                </rect>
              ) : null,
            )}
            <polyline points={line("total")} fill="none" stroke={LINE_COLOR} strokeWidth={2} vectorEffect="non-scaling-stroke" />
            <polyline points={line("forecast")} fill="none" stroke={LINE_COLOR} strokeWidth={2} strokeDasharray="5 4" vectorEffect="non-scaling-stroke" />
            {limit !== null && (
              <line x1={0} x2={points.length} y1={y(limit, axes.total)} y2={y(limit, axes.total)} stroke={LIMIT_COLOR} strokeDasharray="3 3" vectorEffect="non-scaling-stroke" />
            )}
          </svg>
          {limit !== null && (
            <span className="absolute left-1/2 -translate-x-1/2 text-red-600" style={{ bottom: `${(limit / axes.total.max) * 100}%` }}>
              Limit
            </span>
          )}
        </div>
        <AxisLabels axis={axes.total} side="right" />
      </div>
      <DayLabels days={points.length} />
      <UsageTable points={points} limit={limit} label={label} />
      <figcaption aria-hidden="true" className="mt-3 flex flex-wrap justify-center gap-x-4 gap-y-1">
        <LegendItem swatch={<span className="inline-block h-2.5 w-2.5" style={{ background: BAR_COLOR }} />}>Per day</LegendItem>
        <LegendItem swatch={<span className="inline-block w-4 border-t-2" style={{ borderColor: LINE_COLOR }} />}>This month</LegendItem>
        <LegendItem swatch={<span className="inline-block w-4 border-t-2 border-dashed" style={{ borderColor: LINE_COLOR }} />}>Forecast</LegendItem>
      </figcaption>
    </figure>
  );
}

/** An axis's tick labels beside the plot, each centred on its height. */
function AxisLabels({ axis, side }: { axis: ChartAxis; side: "left" | "right" }) {
  return (
    <div className={`relative w-10 shrink-0 ${side === "left" ? "text-right" : "text-left"}`}>
      {axis.ticks.map((tick) => (
        <span key={tick} className="absolute inset-x-0 translate-y-1/2 leading-none" style={{ bottom: `${(tick / axis.max) * 100}%` }}>
          {compact.format(tick)}
        </span>
      ))}
    </div>
  );
}

/** The chart's numbers for a screen reader: a row a day, with the day's usage, the month's total so far, or the forecast. */
function UsageTable({ points, limit, label }: { points: UsageChartPoint[]; limit: number | null; label: string }) {
  const cell = (value: number | null) => (value === null ? "—" : formatCount(value));
  // The wrapper is what is visually hidden: a table ignores sr-only's 1px width and overflow, and widened the phone page.
  return (
    <div className="sr-only">
      <table data-testid="usage-chart-table">
        <caption>{`${label}, per day this month (UTC)${limit === null ? "" : `; the limit is ${formatCount(limit)}`}`}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Used that day</th>
            <th scope="col">Total this month</th>
            <th scope="col">Forecast at this pace</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{`Day ${p.day}`}</th>
              <td>{cell(p.daily)}</td>
              <td>{cell(p.total)}</td>
              <td>{cell(p.forecast)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The days under the plot: the first, every fifth and the last, each under its bar. */
function DayLabels({ days }: { days: number }) {
  const shown = Array.from({ length: days }, (_, i) => i + 1).filter((day) => day === 1 || day === days || (day % 5 === 0 && days - day >= 2));
  return (
    <div data-testid="usage-chart-days" aria-hidden="true" className="relative mx-12 mt-1 h-4">
      {shown.map((day) => (
        <span key={day} className="absolute -translate-x-1/2" style={{ left: `${((day - 0.5) / days) * 100}%` }}>
          {day}
        </span>
      ))}
    </div>
  );
}

function LegendItem({ swatch, children }: { swatch: React.ReactNode; children: React.ReactNode }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      {swatch}
      {children}
    </span>
  );
}
