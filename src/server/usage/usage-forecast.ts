/** The forecast of a metered metric for an org this month: its live total and limit, at the pace so far. */
import type { MeteredMetric } from "~/server/usage/keys";
import { forecastUsage, type Forecast } from "~/server/usage/forecast";
import { meteredLine } from "~/server/usage/usage-history";

export interface UsageForecast extends Forecast {
  metric: MeteredMetric;
  current: number;
  limit: number | null;
}

export async function usageForecast(organizationId: string, metric: MeteredMetric, now = new Date()): Promise<UsageForecast> {
  const { current, limit } = await meteredLine(organizationId, metric, now);
  return { metric, current, limit, ...forecastUsage({ current, limit, now }) };
}
