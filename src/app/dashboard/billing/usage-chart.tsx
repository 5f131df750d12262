"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageChartPoint } from "./usage-chart-data";

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat("en-US");

/**
 * This month's usage of a metered metric: bars per day (left axis), the running total and the
 * forecast at the pace so far (right axis), and the limit as a horizontal line on the totals' axis.
 */
export function UsageChart({ points, limit, label }: { points: UsageChartPoint[]; limit: number | null; label: string }) {
  return (
    <figure data-testid="usage-chart" aria-label={`${label}: daily usage and forecast this month`} className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="day" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
          <YAxis yAxisId="daily" tickFormatter={(v: number) => compact.format(v)} tick={{ fontSize: 12 }} width={48} />
          <YAxis yAxisId="total" orientation="right" tickFormatter={(v: number) => compact.format(v)} tick={{ fontSize: 12 }} width={48} />
          <Tooltip formatter={(value) => (typeof value === "number" ? full.format(value) : value)} labelFormatter={(day) => `Day ${String(day)}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar yAxisId="daily" dataKey="daily" name="Per day" fill="#a5b4fc" isAnimationActive={false} />
          <Line yAxisId="total" dataKey="total" name="This month" stroke="#4f46e5" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line yAxisId="total" dataKey="forecast" name="Forecast" stroke="#4f46e5" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
          {limit !== null && <ReferenceLine yAxisId="total" y={limit} stroke="#dc2626" strokeDasharray="3 3" label={{ value: "Limit", fontSize: 12, fill: "#dc2626" }} ifOverflow="extendDomain" />}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
