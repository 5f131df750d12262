import { expect, test, type Locator, type Page, type TestInfo } from "@playwright/test";
import { register, startProTrial } from "./support/app";

// Issue 14, points 2 and 3: the billing overview a customer trusts with a card, and the plans page.
// Screenshots at desktop and phone width are attached to the report.

/** Its own card: each card's trial is claimed once per run (the other specs use theirs). */
const CARD = "4000 0082 6000 0000";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const DATE = /[A-Z][a-z]{2} \d{1,2}, \d{4}/;

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** At both widths: the page, then a screenshot of it named after `name`. */
async function atBothWidths(page: Page, testInfo: TestInfo, name: string, check?: () => Promise<void>) {
  for (const [label, size] of [["1280", DESKTOP], ["390", PHONE]] as const) {
    await page.setViewportSize(size);
    await check?.();
    await shot(page, testInfo, `${name}@${label}`);
  }
  await page.setViewportSize(DESKTOP);
}

const inViewport = async (locator: Locator) => expect(locator).toBeInViewport();

test("plans page: savings per card, trial promised only when available, current plan kept at either interval, Free explained, trial preview in view", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize(DESKTOP);
  await register(page, "Plan Shopper");

  // A new org can have a trial: the header says so. The Yearly toggle claims only what every plan shares.
  await page.goto("/dashboard/billing/upgrade");
  await expect(page.getByText("A first paid plan starts with a 14-day free trial")).toBeVisible();
  const yearly = page.getByRole("radio", { name: /Yearly/ });
  await expect(yearly).toContainText("2 months free");
  await expect(yearly).not.toContainText("save up to");
  const pro = page.getByRole("region", { name: "Pro" });
  const business = page.getByRole("region", { name: "Business" });
  const free = page.getByRole("region", { name: "Free" });
  await expect(pro.getByTestId("plan-saving")).toHaveText("Save $58 a year with yearly billing");
  await yearly.click();
  await expect(pro.getByTestId("plan-saving")).toHaveText("Save $58 a year");
  await expect(business.getByTestId("plan-saving")).toHaveText("Save $298 a year");
  await expect(pro).not.toContainText("$298");
  await expect(free.getByTestId("current-plan")).toHaveText("Current plan");

  await startProTrial(page, CARD);

  // A trialing org is not promised another trial; Pro is current at either interval.
  await page.goto("/dashboard/billing/upgrade");
  await expect(page.getByRole("heading", { level: 1, name: "Plans" })).toBeVisible();
  await expect(page.getByText("starts with a 14-day free trial")).toHaveCount(0);
  await expect(pro.getByTestId("current-plan")).toHaveText("Current plan");
  await expect(pro.getByRole("button")).toHaveCount(0);
  await yearly.click();
  await expect(pro.getByTestId("current-plan")).toHaveText("Current plan, billed monthly");
  await expect(pro.getByRole("button", { name: "Switch to yearly" })).toBeVisible();
  await expect(business.getByRole("button", { name: "Upgrade to Business" })).toBeVisible();
  await expect(free.getByTestId("current-plan")).toHaveCount(0);
  await atBothWidths(page, testInfo, "plans-yearly-on-pro-monthly");

  // Free is reached by canceling at the period end, said before anything happens.
  await free.getByRole("button", { name: "Downgrade to Free" }).click();
  const downgrade = page.getByRole("region", { name: "Downgrade to Free" });
  await expect(downgrade.getByRole("heading", { name: "Downgrade to Free" })).toBeFocused();
  await expect(downgrade.getByTestId("cancel-explanation")).toContainText(/Your Pro trial stays on until .+; you will not be charged/);
  await expect(downgrade.getByTestId("cancel-explanation")).toContainText("moves to the Free plan (100,000 Gemini tokens / month, 3 projects, 1 team member)");
  await downgrade.getByRole("button", { name: "Keep my plan" }).click();
  await expect(downgrade).toHaveCount(0);

  // On a phone the preview opens far below the button: it scrolls into view and takes the focus.
  await page.setViewportSize(PHONE);
  await page.getByRole("radio", { name: /Monthly/ }).click();
  await business.getByRole("button", { name: "Upgrade to Business" }).click();
  const preview = page.getByRole("region", { name: "Plan change" });
  const heading = preview.getByRole("heading", { name: "Change to Business, billed monthly" });
  await expect(heading).toBeFocused();
  await inViewport(heading);
  // During a trial nothing is billed: the preview says the trial goes on and when the first charge comes.
  const dueNow = preview.getByTestId("due-now");
  await expect(dueNow).toContainText(/Nothing is charged now\. Your trial continues until .+; you'll be charged \$149\.00 on .+\./);
  const trialEnd = (await dueNow.textContent())!.match(/until (.+?);/)![1]!;
  expect(trialEnd).toMatch(DATE);
  await expect(preview.getByRole("listitem")).toHaveCount(0);
  await shot(page, testInfo, "plans-trial-preview@390");
  await page.setViewportSize(DESKTOP);
  await preview.getByRole("button", { name: "Confirm change" }).click();

  // The billing page: price, human status and trial end in the header.
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  // The change's toast was raised on the Plans page for Billing: it is still there on arrival.
  await expect(page.getByRole("status").filter({ hasText: "You are now on Business." })).toBeVisible();
  await atBothWidths(page, testInfo, "billing-plan-change-toast");
  await expect(page.getByTestId("plan-name")).toHaveText("Business");
  await expect(page.getByTestId("plan-price")).toContainText("$149 / month");
  await expect(page.locator("[data-status]").first()).toHaveText("Trial");
  await expect(page.getByTestId("trial-end")).toHaveText(`Ends ${trialEnd}`);

  // Every plan change during the trial made a $0 invoice: hidden until asked for.
  await page.goto("/dashboard/billing/invoices");
  const toggle = page.getByRole("button", { name: /Show \$0 invoices \(\d+\)/ });
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  const hidden = Number((await toggle.textContent())!.match(/\((\d+)\)/)![1]);
  expect(hidden).toBeGreaterThanOrEqual(2); // the trial's start and the plan change
  await expect(page.getByTestId("invoice-row")).toHaveCount(0);
  await expect(page.getByText("No charges yet: every invoice so far is for $0.")).toBeVisible();
  await atBothWidths(page, testInfo, "invoices-zero-hidden");
  await toggle.click();
  await expect(page.getByTestId("invoice-row")).toHaveCount(hidden);
  await expect(page.getByTestId("invoice-row").filter({ hasText: "Plan change" }).first()).toContainText("$0.00");
  // A toggle: the same label, pressed (not a label that flips to "Hide" as well).
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(toggle).toHaveText(`Show $0 invoices (${hidden})`);
});

test("billing overview: price and human status up front, usage against limits, Sync now in a footer, cancel set apart with a plain confirmation", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize(DESKTOP);
  await register(page, "Careful Customer");
  await startProTrial(page, "4000 0025 0000 3155");

  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("plan-price")).toHaveText("$29 / month");
  await expect(page.locator("[data-status]").first()).toHaveText("Trial");
  await expect(page.getByTestId("trial-end")).toHaveText(DATE);

  // Usage and limits are one section: a bar per limited metric, the count against the plan's limit.
  const usage = page.getByTestId("usage-summary");
  await expect(usage.getByRole("progressbar")).toHaveCount(3);
  await expect(page.getByTestId("usage-gemini_tokens")).toContainText("0 / 2,000,000");
  await expect(page.getByTestId("usage-projects")).toContainText("0 / 25");

  // Sync now is a small control in the footer, not among the customer's actions.
  const actions = page.getByTestId("billing-actions");
  await expect(actions.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  await expect(actions.getByRole("button", { name: "Cancel subscription" })).toHaveCount(0);
  const sync = page.getByTestId("sync-status");
  await expect(sync).toContainText(/Last synced with Stripe .+ UTC/);
  await sync.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByText("Billing is up to date with Stripe.")).toBeVisible();

  // Cancel lives in its own danger zone, and its confirmation says what happens and when.
  const danger = page.getByTestId("danger-zone");
  await danger.getByRole("button", { name: "Cancel subscription" }).click();
  const confirm = page.getByRole("group", { name: "Confirm cancellation" });
  const periodEnd = (await page.getByTestId("trial-end").textContent())!.replace(/^Ends /, "");
  // A trial was not paid for: the wording says nothing is charged, not "the period you paid for".
  await expect(confirm.getByTestId("cancel-explanation")).toContainText(`Your Pro trial stays on until ${periodEnd}; you will not be charged.`);
  await expect(danger.getByTestId("cancel-summary")).not.toContainText("paid for");
  await atBothWidths(page, testInfo, "billing-overview-cancel-confirmation", async () => {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
  await confirm.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(page.getByText(`Cancels on ${periodEnd}`)).toBeVisible();
  await expect(page.getByTestId("danger-zone")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Resume subscription" })).toBeVisible();

  // Once canceled, the plans page shows Free as starting at the period end rather than offering it.
  await page.goto("/dashboard/billing/upgrade");
  await expect(page.getByRole("region", { name: "Free" }).getByTestId("scheduled-change")).toHaveText(`Starts on ${periodEnd}`);
});
