import { expect, test } from "@playwright/test";
import { register } from "./support/app";
import { expectVisibleFocus, focusRadio, press, tabTo } from "./support/keyboard";

// Issue 14: the upgrade flow with the keyboard only (Tab, Shift+Tab, Enter, Space, arrows; no
// click after sign-up), with a visible focus indicator at every stop, on the app's pages and on
// the stand-in's hosted Checkout; and the phone menu driven the same way.

/** Its own card: each card's trial is claimed once per run (the other specs use theirs). */
const CARD = "6011 0009 9013 9424";

test("billing → Upgrade → Yearly → Start trial → Checkout (a decline, then a good card) → Pro, by keyboard only", async ({ page }) => {
  test.setTimeout(120_000);
  await register(page, "Keyboard Owner");
  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("plan-name")).toHaveText("Free");

  // The first stop is the skip link, shown when focused; it takes focus past the navigation.
  const skip = page.getByRole("link", { name: "Skip to content" });
  await tabTo(page, skip, { max: 1 });
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  await press(page, "Tab");
  expect(await page.evaluate(() => document.querySelector("main")!.contains(document.activeElement)), "the next stop after the skip link is in the page, past the navigation").toBe(true);
  await tabTo(page, page.getByRole("link", { name: "Upgrade", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard\/billing\/upgrade$/);

  const yearly = await focusRadio(page, page.getByRole("radiogroup", { name: "Billing interval" }), /Yearly/);
  await page.keyboard.press("Space");
  await expect(yearly).toHaveAttribute("aria-checked", "true");
  const pro = page.getByRole("region", { name: "Pro" });
  await expect(pro.getByText("Save $58 a year")).toBeVisible();
  await tabTo(page, pro.getByRole("button", { name: "Start 14-Day Trial" }));
  await page.keyboard.press("Enter");

  // The stand-in's hosted Checkout: typed into, never clicked.
  await expect(page.getByText("VantFlow Pro — $290.00 / year")).toBeVisible();
  const cardNumber = page.getByLabel("Card number");
  await tabTo(page, cardNumber, { max: 3 });
  await page.keyboard.type("4000 0000 0000 9995");
  await press(page, "Tab");
  await page.keyboard.type("12 / 34");
  await press(page, "Tab");
  await page.keyboard.type("123");
  await press(page, "Tab");
  await page.keyboard.type("Key Board");
  await tabTo(page, page.getByRole("button", { name: "Start 14-day trial" }), { max: 1 });
  await page.keyboard.press("Enter");

  // Declined: the error is shown, focus is on the card number, and nothing else was lost.
  await expect(page.getByRole("alert")).toContainText("insufficient funds");
  await expect(cardNumber).toBeFocused();
  await expectVisibleFocus(page);
  await expect(cardNumber).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Expiry (MM / YY)")).toHaveValue("12 / 34");
  await expect(page.getByLabel("Name on card")).toHaveValue("Key Board");
  await expect(page.getByLabel("CVC")).toHaveValue("");

  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(CARD);
  await tabTo(page, page.getByLabel("CVC"), { max: 2 });
  await page.keyboard.type("123");
  // Back up one stop to check the expiry kept, then on to the button.
  await press(page, "Shift+Tab");
  await expect(page.getByLabel("Expiry (MM / YY)")).toBeFocused();
  await tabTo(page, page.getByRole("button", { name: "Start 14-day trial" }), { max: 3 });
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/dashboard\/billing(\?|$)/);
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
});

test("the phone menu opens and closes from the keyboard: Escape returns focus to its button, a link closes it", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await register(page, "Menu Keyboarder");
  await page.goto("/dashboard");
  const menuButton = page.getByRole("button", { name: "Menu" });
  const menu = page.getByTestId("dashboard-menu");
  const billing = menu.getByRole("link", { name: "Billing" });
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await expect(billing).toBeHidden();

  await tabTo(page, menuButton);
  await page.keyboard.press("Enter");
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await expect(menuButton).toHaveAttribute("aria-controls", (await menu.getAttribute("id"))!);
  await tabTo(page, menu.getByRole("link", { name: "Overview" }), { max: 3 });
  await press(page, "Shift+Tab");
  await press(page, "Tab");
  await page.keyboard.press("Escape");
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await expect(menuButton).toBeFocused();
  await expect(billing).toBeHidden();

  await page.keyboard.press("Space");
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await tabTo(page, billing, { max: 4 });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await expect(billing).toBeHidden();
});
