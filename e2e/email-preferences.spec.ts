import { expect, test } from "@playwright/test";
import { usageAlertUnsubscribe } from "../src/server/notifications/unsubscribe";
import { query, register } from "./support/app";

const alertsOf = async (email: string) =>
  (await query<{ usageAlertEmails: boolean }>(`SELECT "usageAlertEmails" FROM "User" WHERE email = $1`, [email]))[0]?.usageAlertEmails;

test("settings toggle usage alert emails off and on", async ({ page }) => {
  const user = await register(page, "Quiet Owner");
  await page.goto("/dashboard/settings");
  const toggle = page.getByRole("checkbox", { name: /Usage alerts/ });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect.poll(() => alertsOf(user.email)).toBe(false);
  await page.reload();
  await expect(page.getByRole("checkbox", { name: /Usage alerts/ })).not.toBeChecked();
  await page.getByRole("checkbox", { name: /Usage alerts/ }).check();
  await expect.poll(() => alertsOf(user.email)).toBe(true);
});

test("the unsubscribe link's page asks first, and its button turns usage alerts off; a bad link says so", async ({ page, browser, baseURL }) => {
  const user = await register(page, "Unsubscriber");
  const [row] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [user.email]);
  const link = new URL(usageAlertUnsubscribe(row!.id).url);
  // A mail scanner (no cookies) opening the link changes nothing.
  const scanner = await browser.newContext({ baseURL });
  const scannerPage = await scanner.newPage();
  await scannerPage.goto(`${link.pathname}${link.search}`);
  await expect(scannerPage.getByRole("heading", { name: "Unsubscribe from usage alerts" })).toBeVisible();
  expect(await alertsOf(user.email)).toBe(true);
  await scannerPage.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(scannerPage.getByText("You will no longer get usage alert emails.")).toBeVisible();
  expect(await alertsOf(user.email)).toBe(false);

  await scannerPage.goto(`${link.pathname}?token=${link.searchParams.get("token")!.slice(0, -3)}xyz`);
  await expect(scannerPage.getByRole("heading", { name: "This unsubscribe link is not valid" })).toBeVisible();
  await scanner.close();
});
