import { expect, test } from "@playwright/test";
import IORedis from "ioredis";
import { usageKey } from "../src/server/usage/keys";
import { monthOf } from "../src/server/usage/periods";
import { query, register } from "./support/app";

test("an owner sets a monthly token budget below the plan's limit on the billing page, sees it as the limit, and clears it", async ({ page }) => {
  await register(page, "Budget Owner");
  await page.goto("/dashboard/billing");
  const current = page.getByTestId("budget-current");
  await expect(current).toContainText("No budget: the plan's limit (100,000 tokens a month) applies.");

  const input = page.getByLabel("Tokens per month");
  await input.fill("150000");
  await page.getByRole("button", { name: "Set budget" }).click();
  await expect(page.getByText("A budget must be below the plan's limit of 100,000.")).toBeVisible();
  await expect(input).toHaveAttribute("aria-invalid", "true");

  await input.fill("50000");
  await page.getByRole("button", { name: "Set budget" }).click();
  await expect(current).toContainText("Budget: 50,000 tokens a month (the plan allows 100,000).");
  // The limit in force is the budget: the usage bar counts against it.
  await expect(page.getByTestId("usage-gemini_tokens")).toContainText("/ 50,000");

  await page.getByRole("button", { name: "Clear budget" }).click();
  await expect(current).toContainText("No budget");
  await expect(page.getByTestId("usage-gemini_tokens")).toContainText("/ 100,000");
});

test("a chat message refused at the budget links to where the budget is changed, not to an upgrade", async ({ page }) => {
  const { email } = await register(page, "Budget Chatter");
  await page.goto("/dashboard/billing");
  await page.getByLabel("Tokens per month").fill("50000");
  await page.getByRole("button", { name: "Set budget" }).click();
  await expect(page.getByTestId("budget-current")).toContainText("Budget: 50,000 tokens a month");

  await page.goto("/dashboard/projects");
  await page.getByLabel("Name").fill("Budgeted");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Budgeted" }).click();
  const [row] = await query<{ organizationId: string }>(
    'SELECT m."organizationId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1',
    [email],
  );
  const redis = new IORedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  try {
    await redis.set(usageKey(row!.organizationId, "gemini_tokens", monthOf(new Date())), "50000", "EX", 3_600);
  } finally {
    redis.disconnect();
  }
  await page.getByLabel("Message", { exact: true }).fill("Over budget");
  await page.getByRole("button", { name: "Send" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "monthly budget" });
  await expect(alert).toContainText("monthly budget of 50,000 Gemini tokens");
  await expect(alert.getByRole("link", { name: "Review the budget" })).toHaveAttribute("href", "/dashboard/billing");
});
