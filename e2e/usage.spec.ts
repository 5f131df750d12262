import { expect, test } from "@playwright/test";
import IORedis from "ioredis";
import { usageKey } from "../src/server/usage/keys";
import { monthOf } from "../src/server/usage/periods";
import { orgIdOf, register } from "./support/app";

/** The Redis the app under test counts in (the test command gives both REDIS_URL). */
const redis = new IORedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
test.afterAll(() => redis.quit());


test("the guide's 7.5 and 8.1: GET /api/billing/usage with a token, and the billing page's bar and banner follow the Redis counter", async ({ page, request }) => {
  const { email, password } = await register(page, "Usage Reader");
  const orgId = await orgIdOf(email);
  const counter = usageKey(orgId, "gemini_tokens", monthOf(new Date()));
  const setTokens = (n: number) => redis.set(counter, String(n), "EX", 3_600);

  const unauthenticated = await request.get("/api/billing/usage");
  expect(unauthenticated.status()).toBe(401);
  expect(await unauthenticated.json()).toMatchObject({ error: "Unauthorized", code: "UNAUTHORIZED" });

  const issued = await request.post("/api/auth/token", { data: { email, password } });
  expect(issued.status()).toBe(201);
  const { token } = (await issued.json()) as { token: string };
  await setTokens(1_250);
  const usage = await request.get("/api/billing/usage", { headers: { authorization: `Bearer ${token}` } });
  expect(usage.status()).toBe(200);
  expect(await usage.json()).toEqual({
    usage: [
      { metric: "gemini_tokens", current: 1_250, limit: 100_000, percentage: 1.25, unlimited: false },
      { metric: "projects", current: 0, limit: 3, percentage: 0, unlimited: false },
      { metric: "team_members", current: 1, limit: 1, percentage: 100, unlimited: false },
    ],
  });

  const bar = page.getByRole("progressbar", { name: "Gemini tokens / month" });
  const banner = page.getByTestId("usage-banner");
  await page.goto("/dashboard/billing");
  await expect(bar).toHaveAttribute("aria-valuetext", "1.25%");
  await expect(page.getByTestId("usage-summary")).toContainText("100,000");
  const chart = page.getByTestId("usage-chart");
  await expect(chart.locator("svg")).toBeVisible();
  // Screen readers get the chart as a table, a row a day; the drawing and its axis and day labels (a string of numbers read aloud) are hidden from them.
  await expect(chart.getByTestId("usage-chart-plot")).toHaveAttribute("aria-hidden", "true");
  await expect(chart.getByTestId("usage-chart-days")).toHaveAttribute("aria-hidden", "true");
  const now = new Date();
  const daysInMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
  const table = chart.getByRole("table", { name: /per day this month \(UTC\); the limit is 100,000$/ });
  await expect(table.getByRole("row")).toHaveCount(daysInMonth + 1);
  await expect(table.getByRole("columnheader")).toHaveText(["Day", "Used that day", "Total this month", "Forecast at this pace"]);
  await expect(table.getByRole("rowheader", { name: "Day 1", exact: true })).toBeAttached();
  await expect(banner).toHaveCount(0);

  await setTokens(85_000);
  await page.reload();
  await expect(bar).toHaveAttribute("aria-valuetext", "85%");
  await expect(banner).toHaveAttribute("data-level", "warning");
  await expect(banner).toContainText("85% of its monthly Gemini token quota");
  await expect(banner.getByRole("link", { name: "See plans" })).toHaveAttribute("href", "/dashboard/billing/upgrade");

  await setTokens(101_000);
  await page.reload();
  await expect(bar).toHaveAttribute("aria-valuetext", "101%");
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await expect(banner).toHaveAttribute("data-level", "exceeded");
  await banner.getByRole("link", { name: "Upgrade now" }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing\/upgrade$/);
  await expect(page.getByRole("region", { name: "Pro" })).toBeVisible();
  await redis.del(counter);
});
