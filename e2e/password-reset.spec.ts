import { expect, test } from "@playwright/test";
import { register, signInAt } from "./support/app";
import { waitForEmail } from "./support/mailbox";

/** Waits for the app's email to `to` in the SendGrid stand-in's mailbox (the outbox sends after the response). */
async function resetLinkFor(to: string): Promise<string> {
  const reset = await waitForEmail(to, (m) => m.subject === "Reset your VantFlow password");
  const link = /https?:\/\/\S+\/reset-password\/[A-Za-z0-9_-]+/.exec(reset.text ?? "")?.[0];
  expect(link, "the email links to the reset page").toBeTruthy();
  return link!;
}

test("forgot password: the emailed link sets a new password, signs in with it, signs out every other session, and works once", async ({
  page,
  browser,
  baseURL,
}) => {
  const user = await register(page, "Forgetful Owner");
  // A second browser signed in before the reset: it must be signed out by it.
  const laptop = await browser.newContext({ baseURL });
  const laptopPage = await laptop.newPage();
  await signInAt(laptopPage, user);
  await page.context().clearCookies();

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send the reset link" }).click();
  await expect(page.getByText("If an account uses this email")).toBeVisible();

  const link = await resetLinkFor(user.email);
  expect(new URL(link).origin).toBe(new URL(baseURL!).origin);
  await page.goto(link);
  // The rules show before anything is typed; a refused one is marked, no message pushes the form down.
  const lengthRule = page.getByTestId("password-rules").locator('[data-rule="length"]');
  await expect(lengthRule).toHaveText(/At least 8 characters/);
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(lengthRule).toHaveAttribute("data-state", "refused");
  const newPassword = "a-fresh-passphrase-456";
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // The earlier session is over: its next dashboard visit lands on the login page.
  await laptopPage.goto("/dashboard/settings");
  await expect(laptopPage).toHaveURL(/\/login/);
  // The old password is refused; the new one works.
  await laptopPage.getByLabel("Email").fill(user.email);
  await laptopPage.getByLabel("Password").fill(user.password);
  await laptopPage.getByRole("button", { name: "Sign in" }).click();
  await expect(laptopPage.getByRole("alert").filter({ hasText: "Email or password is incorrect." })).toBeVisible();
  await signInAt(laptopPage, { email: user.email, password: newPassword });
  await laptop.close();

  // The link used again says it is no longer valid.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link is no longer valid" })).toBeVisible();
  await expect(page.getByLabel("New password")).toHaveCount(0);
});
