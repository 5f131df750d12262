import { expect, test } from "@playwright/test";
import { fillCard, register } from "./support/app";

test("a scheduled Business → Pro downgrade: the plans page shows it instead of offering it again, the cancel dialog warns, resume brings it back", async ({ page }) => {
  await register(page, "Downsizer");
  await page.goto("/dashboard/billing/upgrade");
  await page.getByRole("region", { name: "Business" }).getByRole("button", { name: "Start 14-Day Trial" }).click();
  await expect(page.getByText("VantFlow Business — $149.00 / month")).toBeVisible();
  await fillCard(page, "4000 0566 5566 5556"); // its own card: 4242 had its trial in billing.spec.ts
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  await expect(page.getByTestId("plan-name")).toHaveText("Business");

  await page.getByRole("link", { name: "Change plan" }).click();
  await page.getByRole("region", { name: "Pro" }).getByRole("button", { name: "Switch to Pro" }).click();
  const preview = page.getByRole("region", { name: "Plan change" });
  await expect(preview.getByTestId("due-now")).toContainText("Nothing is charged now");
  await preview.getByRole("button", { name: "Confirm change" }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  await expect(page.getByText(/Switches to Pro \(monthly\) on/)).toBeVisible();
  await expect(page.getByTestId("next-invoice")).toContainText("$29.00");

  // The plans page knows: Pro is scheduled, not offered again; Business can be kept.
  await page.getByRole("link", { name: "Change plan" }).click();
  const pro = page.getByRole("region", { name: "Pro" });
  await expect(pro.getByTestId("scheduled-change")).toContainText("Starts on");
  await expect(pro.getByRole("button", { name: /Switch to Pro/ })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Business" })).toContainText("Current plan");
  // Pro yearly is a different change, still offered.
  await page.getByRole("radio", { name: /Yearly/ }).click();
  await expect(pro.getByRole("button", { name: "Switch to Pro" })).toBeVisible();
  await page.getByRole("radio", { name: /Monthly/ }).click();

  // The cancel dialog warns that the downgrade is set aside, and resume brings it back.
  await page.goto("/dashboard/billing");
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  const dialog = page.getByRole("group", { name: "Confirm cancellation" });
  await expect(dialog).toContainText("Your switch to Pro (monthly)");
  await dialog.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(page.getByText(/Cancels on/)).toBeVisible();
  await expect(page.getByText(/Switches to Pro/)).toHaveCount(0);
  await expect(page.getByTestId("next-invoice")).toHaveText("None scheduled");

  await page.getByRole("button", { name: "Resume subscription" }).click();
  await expect(page.getByText(/Cancels on/)).toHaveCount(0);
  await expect(page.getByText(/Switches to Pro \(monthly\) on/)).toBeVisible();
  await expect(page.getByTestId("next-invoice")).toContainText("$29.00");
});
