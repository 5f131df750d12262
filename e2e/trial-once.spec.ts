import { expect, test } from "@playwright/test";
import { fillCard, register } from "./support/app";

const CARD = "2223 0031 2200 3222";

test("one trial per card: another person's trial with the same card is refused and billed now, and the page says why", async ({ browser }) => {
  for (const [i, name] of ["First Trialist", "Second Trialist"].entries()) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await register(page, name);
    await page.goto("/dashboard/billing/upgrade");
    await page.getByRole("region", { name: "Pro" }).getByRole("button", { name: "Start 14-Day Trial" }).click();
    await fillCard(page, CARD);
    await page.getByRole("button", { name: "Start 14-day trial" }).click();
    await expect(page).toHaveURL(/\/dashboard\/billing(\?|$)/);
    await expect(page.getByTestId("plan-name")).toHaveText("Pro");
    if (i === 0) {
      await expect(page.getByTestId("trial-days")).toHaveText("14 days left");
    } else {
      await expect(page.locator("[data-status]").first()).toHaveText("Active");
      await expect(page.getByText("No free trial this time: this card was already used for a free trial")).toBeVisible();
      await expect(page.getByTestId("trial-days")).toHaveCount(0);
    }
    await context.close();
  }
});

test("one trial per owner: the owner's second organization is told there is no trial before checkout", async ({ page }) => {
  await register(page, "Serial Founder");
  await page.goto("/dashboard/billing/upgrade");
  await page.getByRole("region", { name: "Pro" }).getByRole("button", { name: "Start 14-Day Trial" }).click();
  await fillCard(page, "3782 822463 10005");
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  await expect(page.getByTestId("trial-days")).toHaveText("14 days left");

  await page.goto("/dashboard/settings");
  await page.getByLabel("New organization").fill("Second Venture");
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.getByLabel("Organization", { exact: true }).selectOption({ label: "Second Venture" });
  await expect(page.getByText("API access for Second Venture.")).toBeVisible();
  await page.goto("/dashboard/billing/upgrade");
  await expect(page.getByTestId("trial-unavailable")).toContainText("the owner of this organization already had one");
  // The page header promises no trial to an org that cannot have one (issue 14, point 3).
  await expect(page.getByText("starts with a 14-day free trial")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Pro" }).getByRole("button", { name: "Subscribe to Pro" })).toBeVisible();
});
