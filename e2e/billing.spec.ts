import { expect, test } from "@playwright/test";
import { advanceClockOf, query, register, startProTrial } from "./support/app";
import { mailbox } from "./support/mailbox";

const subscriptionStatus = async (email: string) =>
  (
    await query<{ status: string }>(
      `SELECT s.status FROM "Subscription" s
         JOIN "Membership" m ON m."organizationId" = s."organizationId"
         JOIN "User" u ON u.id = m."userId"
        WHERE u.email = $1`,
      [email],
    )
  ).map((r) => r.status);

test("register → Upgrade → Pro → Start 14-Day Trial → card 4242 → Pro, trialing, 14 days left; past the trial: active, invoice listed", async ({ page }) => {
  const { email } = await register(page);
  await startProTrial(page, "4242 4242 4242 4242");

  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.locator("[data-status]").first()).toHaveText("Trial");
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "trialing");
  await expect(page.getByTestId("trial-days")).toHaveText("14 days left");
  await expect(page.getByText("Your subscription is set up")).toBeVisible();
  expect(await subscriptionStatus(email)).toEqual(["trialing"]);

  // Fifteen days on Stripe's clock: the trial ends, the first invoice is paid, webhooks reach the app.
  await advanceClockOf(email, 15);
  await expect(async () => {
    await page.reload();
    await expect(page.locator("[data-status]").first()).toHaveText("Active", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  expect(await subscriptionStatus(email)).toEqual(["active"]);
  await expect(page.getByTestId("next-invoice")).toContainText("$29.00");

  await page.getByRole("link", { name: "Invoices" }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing\/invoices$/);
  // The trial's $0 invoice is hidden until asked for.
  const rows = page.getByTestId("invoice-row");
  await expect(rows).toHaveCount(1);
  await page.getByRole("button", { name: "Show $0 invoices (1)" }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("Renewal");
  await expect(rows.first()).toContainText("$29.00");
  await expect(rows.first().locator("[data-status]")).toHaveText("Paid");
  await expect(rows.first().getByRole("link", { name: "PDF" })).toHaveAttribute("href", /\/invoice\/in_.+\/pdf$/);

  await page.goto("/dashboard/billing/payment-methods");
  await expect(page.getByTestId("payment-method")).toContainText("4242");
  await expect(page.getByTestId("payment-method")).toContainText("Default");
  // The only card of an active subscription cannot be removed.
  await page.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog", { name: "Remove Visa •••• 4242?" }).getByRole("button", { name: "Remove card" }).click();
  await expect(page.getByText("last card of an active subscription")).toBeVisible();
  await expect(page.getByTestId("payment-method")).toHaveCount(1);
});

test("card 0341: past_due after the trial, the dashboard warns and keeps Pro for the grace period", async ({ page }) => {
  const { email } = await register(page, "Late Payer");
  await startProTrial(page, "4000 0000 0000 0341");
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");

  await advanceClockOf(email, 15);
  await expect(async () => {
    await page.reload();
    await expect(page.locator("[data-status]").first()).toHaveText("Past due", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("alert").filter({ hasText: "Your last payment failed" })).toContainText("Your Pro limits stay on until");
  await expect(page.getByTestId("usage-summary")).toContainText("2,000,000");
  expect(await subscriptionStatus(email)).toEqual(["past_due"]);

  // The banner: what is owed, the hosted invoice to pay it, the grace end; the same link by email.
  const banner = page.getByTestId("past-due-banner");
  await expect(banner.getByRole("alert")).toBeVisible();
  await expect(banner.getByTestId("past-due-amount")).toHaveText("$29.00");
  const payUrl = await banner.getByRole("link", { name: "Pay now" }).getAttribute("href");
  expect(payUrl).toMatch(/\/invoice\/in_/);
  const grace = (await banner.getByTestId("grace-ends-at").textContent())!;
  await expect(async () => {
    const failed = (await mailbox(email)).find((m) => m.subject.startsWith("Payment failed"));
    expect(failed?.html).toContain(`href="${payUrl}"`);
    expect(failed?.text).toContain(grace.replace(/^(\w+) (\d+), (\d+)$/, "$2 $1 $3"));
  }).toPass({ timeout: 20_000 });

  // Canceling while past_due: the open invoice is still owed and retried, and Pro lasts only to the grace end.
  const summary = page.getByTestId("danger-zone").getByTestId("cancel-summary");
  await expect(summary).toContainText("but not the open invoice of $29.00: Stripe keeps retrying your card for it");
  await page.getByTestId("danger-zone").getByRole("button", { name: "Cancel subscription" }).click();
  const explanation = page.getByTestId("cancel-explanation");
  await expect(explanation).toContainText(`your Pro limits stay on until ${grace} at most`);
  await expect(explanation).not.toContainText("nothing more is charged");

  // The plans page offers no change the server refuses while past_due: shown disabled, with what to do first.
  await page.goto("/dashboard/billing/upgrade");
  const business = page.getByRole("region", { name: "Business" });
  await expect(business.getByRole("button", { name: "Upgrade to Business" })).toBeDisabled();
  await expect(business.getByTestId("blocked-reason")).toHaveText("Pay the open invoice first.");
  await page.getByRole("radio", { name: /Yearly/ }).click();
  await expect(page.getByRole("region", { name: "Pro" }).getByRole("button", { name: "Switch to yearly" })).toBeDisabled();
  // Canceling is accepted while past_due: Free stays on offer.
  await expect(page.getByRole("region", { name: "Free" }).getByRole("button", { name: "Downgrade to Free" })).toBeEnabled();
});

test("an active Pro org previews and makes an upgrade to Business, then cancels and resumes", async ({ page }) => {
  const { email } = await register(page, "Growing Team");
  // A card of its own: a card that already had a trial gets none (trial-once.spec.ts).
  await startProTrial(page, "5555 5555 5555 4444");
  await advanceClockOf(email, 15);
  await expect(async () => {
    await page.reload();
    await expect(page.locator("[data-status]").first()).toHaveText("Active", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  await page.getByRole("link", { name: "Change plan" }).click();
  await expect(page.getByRole("region", { name: "Pro" })).toContainText("Current plan");
  await page.getByRole("region", { name: "Business" }).getByRole("button", { name: "Upgrade to Business" }).click();
  const preview = page.getByRole("region", { name: "Plan change" });
  await expect(preview.getByTestId("due-now")).toContainText("Due now");
  await expect(preview).toContainText("Unused time on VantFlow Pro");
  await expect(preview).toContainText("Then $149.00 on");
  await preview.getByRole("button", { name: "Confirm change" }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  await expect(page.getByTestId("plan-name")).toHaveText("Business");
  await expect(page.getByTestId("usage-summary")).toContainText("10,000,000");

  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await page.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(page.getByText(/Cancels on/)).toBeVisible();
  await page.getByRole("button", { name: "Resume subscription" }).click();
  await expect(page.getByText(/Cancels on/)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel subscription" })).toBeVisible();
});

test("the billing pages render the same on server and client: no console errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await register(page, "Console Watcher");
  for (const path of ["/dashboard/billing", "/dashboard/billing/upgrade", "/dashboard/billing/invoices", "/dashboard/billing/payment-methods"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  await expect(page.getByText("No card on file yet")).toBeVisible();
  expect(errors).toEqual([]);
  // The 402 body's upgradeUrl (the guide's path) lands on the plans page.
  await page.goto("/billing/upgrade");
  await expect(page).toHaveURL(/\/dashboard\/billing\/upgrade$/);
});
