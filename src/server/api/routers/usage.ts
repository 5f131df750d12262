/**
 * Reading usage: this month's lines (the same as GET /api/billing/usage), the monthly history,
 * this month's days, the month-end forecast of a metered metric and this month's usage alerts
 * (80 % / 100 % crossings), and the monthly budgets. Open to every member; only owners set or
 * clear a budget.
 */
import { z } from "zod";
import { createTRPCRouter, orgProcedure } from "~/server/api/trpc";
import { METRICS } from "~/server/billing/plans";
import { alertsOf } from "~/server/usage/alerts";
import { BUDGET_METRICS, budgetsOf, clearBudget, setBudget } from "~/server/usage/budgets";
import { METERED_METRICS } from "~/server/usage/keys";
import { currentUsage } from "~/server/usage/read-usage";
import { usageForecast } from "~/server/usage/usage-forecast";
import { dailyUsage, usageHistory } from "~/server/usage/usage-history";

const metricInput = z.object({ metric: z.enum(METERED_METRICS).default("gemini_tokens") });
const count = z.number().int().nonnegative();
const period = z.string().regex(/^\d{4}-\d{2}$/);

const usageLine = z.object({
  metric: z.enum(METRICS),
  current: count,
  limit: count.nullable(),
  percentage: z.number().nonnegative(),
  unlimited: z.boolean(),
});

export const usageRouter = createTRPCRouter({
  current: orgProcedure.output(z.array(usageLine)).query(({ ctx }) => currentUsage(ctx.actor.organizationId)),

  history: orgProcedure
    .input(metricInput.extend({ months: z.number().int().min(1).max(24).default(6) }))
    .output(z.array(z.object({ period, current: count })))
    .query(({ ctx, input }) => usageHistory(ctx.actor.organizationId, input.metric, input.months)),

  daily: orgProcedure
    .input(metricInput)
    .output(z.object({ period, days: z.array(z.object({ date: z.string(), amount: count })), unattributed: count }))
    .query(({ ctx, input }) => dailyUsage(ctx.actor.organizationId, input.metric)),

  forecast: orgProcedure
    .input(metricInput)
    .output(
      z.object({
        metric: z.enum(METERED_METRICS),
        current: count,
        limit: count.nullable(),
        period,
        daysInMonth: z.number().int(),
        elapsedDays: z.number(),
        pacePerDay: z.number(),
        projected: count,
        limitReachedOn: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => usageForecast(ctx.actor.organizationId, input.metric)),

  alerts: orgProcedure
    .output(
      z.array(
        z.object({
          metric: z.string(),
          period,
          threshold: z.union([z.literal(80), z.literal(100)]),
          limitType: z.enum(["plan", "budget"]),
          usedAtCrossing: count,
          limitAtCrossing: count,
          createdAt: z.date(),
        }),
      ),
    )
    .query(({ ctx }) => alertsOf(ctx.actor.organizationId)),

  budgets: orgProcedure
    .output(
      z.object({
        canSet: z.boolean(),
        budgets: z.array(z.object({ metric: z.enum(BUDGET_METRICS), budget: count.nullable(), planLimit: count.nullable(), updatedAt: z.date().nullable() })),
      }),
    )
    .query(({ ctx }) => budgetsOf(ctx.actor)),

  setBudget: orgProcedure
    .input(z.object({ metric: z.enum(BUDGET_METRICS), limit: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }))
    .output(z.object({ metric: z.enum(BUDGET_METRICS), budget: count, planLimit: count.nullable() }))
    .mutation(({ ctx, input }) => setBudget(ctx.actor, input.metric, input.limit)),

  clearBudget: orgProcedure
    .input(z.object({ metric: z.enum(BUDGET_METRICS) }))
    .mutation(({ ctx, input }) => clearBudget(ctx.actor, input.metric)),
});
