import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { fillCard, query, register } from "./support/app";

// Cards of this spec alone: a card's trial is claimed once per run (trial-claims.ts).
const TRIAL_CARD = "4012 8888 8888 1881";
const SECOND_CARD = "4000 0000 0000 0077";

/** A look at the page at desktop and phone width, kept in the test's output folder. */
async function shoot(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** The browser's console errors and uncaught page errors, as Next's dev overlay would count them. */
function consoleErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("password rules show before submit and tick off live; signed-in users skip /login and /register; 404s stay in the app", async ({ page }) => {
  await page.goto("/register");
  const rules = page.getByTestId("password-rules");
  const length = rules.locator('[data-rule="length"]');
  await expect(length).toHaveText(/At least 8 characters/);
  await expect(length).toHaveAttribute("data-state", "pending");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-describedby", /password-hint/);
  await page.getByLabel("Password").fill("short");
  await expect(length).toHaveAttribute("data-state", "pending");
  await page.getByLabel("Password").fill("long enough now");
  await expect(length).toHaveAttribute("data-state", "met");
  await shoot(page, "register-password-rules");

  await register(page, "Signed In Already");
  await page.goto("/login");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/register");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/dashboard/settings")}`);
  await expect(page).toHaveURL(/\/dashboard\/settings$/);
  // The change-password form lists the same rules.
  await expect(page.getByTestId("new-password-rules")).toContainText("At least 8 characters");

  const inApp = await page.goto("/dashboard/no-such-page");
  expect(inApp?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Dashboard" })).toBeVisible();
  await shoot(page, "dashboard-404");
  await page.getByRole("link", { name: "Back to the dashboard" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  const outside = await page.goto(`/no-such-page-${randomUUID()}`);
  expect(outside?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByText("VantFlow", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the dashboard" })).toHaveAttribute("href", "/dashboard");
  await shoot(page, "app-404");
});

test("dates follow the browser's language, the same text on the server and after hydration", async ({ browser }) => {
  const context = await browser.newContext({ locale: "de-DE" });
  try {
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await register(page, "Datum Leserin");
    await page.goto("/dashboard/settings");
    await expect(page.getByTestId("session-row").first()).toContainText(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC/);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test("a wrong password and a 402 are shown on the page and print no console error", async ({ page, browser }) => {
  const setup = await browser.newContext();
  const user = await register(await setup.newPage(), "Quiet Console");
  await setup.close();

  const errors = consoleErrors(page);
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect." })).toBeVisible();
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Free allows 3 projects: the 4th is a 402 the form shows.
  await page.goto("/dashboard/projects");
  for (const name of ["One", "Two", "Three", "Four"]) {
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create project" }).click();
    if (name !== "Four") await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("alert").filter({ hasText: "limit of 3 projects" })).toBeVisible();
  // Chromium's own network line for a non-2xx fetch ("Failed to load resource") is not the app's.
  expect(errors.filter((text) => !text.startsWith("Failed to load resource"))).toEqual([]);
});

test("Checkout return shows progress, toasts replace each other and leave on navigation, card removal asks first, breadcrumbs lead back", async ({ page }) => {
  await register(page, "Feedback Buyer");
  await page.goto("/dashboard/billing/upgrade");
  await page.getByRole("region", { name: "Pro" }).getByRole("button", { name: "Start 14-Day Trial" }).click();
  await fillCard(page, TRIAL_CARD);

  // The confirmation call is held until the page has been seen saying it is confirming.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/trpc/billing.completeCheckout**", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Confirming your payment…" })).toBeVisible();
  // Meanwhile the plan card claims no plan (the rows still say Free until Stripe has answered).
  await expect(page.getByTestId("plan-pending")).toBeVisible();
  await expect(page.getByTestId("plan-name")).toHaveCount(0);
  // The query string is gone while confirming (a reload would not confirm again).
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  await page.screenshot({ path: test.info().outputPath("checkout-confirming-1280.png") });
  // The user moves on before the answer: its arrival does not pull them back to Billing.
  await page.getByRole("link", { name: "Invoices", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing\/invoices$/);
  const answered = page.waitForResponse("**/api/trpc/billing.completeCheckout**");
  release();
  await answered;
  const welcome = page.getByRole("status").filter({ hasText: "Your subscription is set up." });
  await expect(welcome).toBeVisible();
  // A navigation the answer started would fetch Billing's payload: wait for the network to go quiet, then look.
  await page.waitForLoadState("networkidle");
  await expect(page).toHaveURL(/\/dashboard\/billing\/invoices$/);
  await page.unroute("**/api/trpc/billing.completeCheckout**");
  // A success toast has a close button.
  await welcome.getByRole("button", { name: "Dismiss notification" }).click();
  await expect(page.getByTestId("toast")).toHaveCount(0);
  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("checkout-confirming")).toHaveCount(0);
  await expect(page.getByTestId("plan-pending")).toHaveCount(0);

  // Breadcrumbs: Billing / Payment methods, the current page marked.
  await page.goto("/dashboard/billing/payment-methods");
  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(crumbs.locator('[aria-current="page"]')).toHaveText("Payment methods");

  // A second card through the hosted setup page; back here the page confirms it.
  await page.getByRole("button", { name: "Add card" }).click();
  await fillCard(page, SECOND_CARD);
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Card added." })).toBeVisible();
  const cards = page.getByTestId("payment-method");
  await expect(cards).toHaveCount(2);

  // Cancel keeps the card; confirming removes it.
  const second = cards.filter({ hasText: "0077" });
  await second.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove Visa •••• 0077?" });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("remove-card-dialog-1280.png") });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(cards).toHaveCount(2);
  await second.getByRole("button", { name: "Remove" }).click();
  await dialog.getByRole("button", { name: "Remove card" }).click();
  await expect(cards).toHaveCount(1);
  await expect(page.getByRole("status").filter({ hasText: "Card removed." })).toBeVisible();

  // The last card of the trial cannot go: the error replaces the success, never stacks under it.
  await cards.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog", { name: "Remove Visa •••• 1881?" }).getByRole("button", { name: "Remove card" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "last card of an active subscription" })).toBeVisible();
  await expect(page.getByTestId("toast")).toHaveCount(1);
  await expect(page.getByTestId("toast")).toHaveAttribute("data-tone", "error");
  await shoot(page, "payment-methods-error-toast");
  await expect(cards).toHaveCount(1);

  // Leaving the page takes the error toast along; the breadcrumb leads back to Billing.
  await crumbs.getByRole("link", { name: "Billing" }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  await expect(page.getByTestId("toast")).toHaveCount(0);

  for (const [path, current] of [
    ["/dashboard/billing/invoices", "Invoices"],
    ["/dashboard/billing/upgrade", "Plans"],
  ] as const) {
    await page.goto(path);
    const trail = page.getByRole("navigation", { name: "Breadcrumb" });
    await expect(trail.locator('[aria-current="page"]')).toHaveText(current);
    await trail.getByRole("link", { name: "Billing" }).click();
    await expect(page).toHaveURL(/\/dashboard\/billing$/);
  }
});

test("a member who opens a checkout return link is not shown a confirmation they may not make", async ({ page }) => {
  const user = await register(page, "Billing Member");
  // Demoted in their own org: roles are read per request, so the next page sees a MEMBER.
  await query(`UPDATE "Membership" SET role = 'MEMBER' WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`, [user.email]);
  const confirmCalls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("billing.completeCheckout")) confirmCalls.push(request.url());
  });
  for (const [path, heading] of [
    ["/dashboard/billing?checkout=success&session_id=cs_test_from_an_admin", "Billing"],
    ["/dashboard/billing/payment-methods?setup=success&session_id=cs_test_from_an_admin", "Payment methods"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    if (heading === "Billing") await expect(page.getByText("Only owners and admins can change billing.")).toBeVisible();
    await expect(page.getByTestId("checkout-confirming")).toHaveCount(0);
    await page.waitForLoadState("networkidle");
    expect(confirmCalls).toEqual([]);
    await expect(page.getByTestId("toast")).toHaveCount(0);
  }
});
