import { expect, test } from "@playwright/test";
import { register } from "./support/app";

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
