import { expect, test, type Page, type PlaywrightWorkerArgs } from "@playwright/test";
import { register, signInAt } from "./support/app";

/** The browser's session cookie(s) as a Cookie header, as someone who copied them would send it. */
async function copiedSessionCookie(page: Page) {
  const cookies = (await page.context().cookies()).filter((c) => c.name.includes("authjs.session-token"));
  expect(cookies.length).toBeGreaterThan(0);
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/**
 * The statuses a copied cookie gets from the REST API and from tRPC over HTTP, each from a fresh
 * request context (no cookie jar of its own), so only the copied header authenticates it.
 */
async function statusesWith(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string, cookie: string) {
  const statuses: number[] = [];
  for (const path of ["/api/billing/usage", "/api/trpc/org.list"]) {
    const context = await playwright.request.newContext({ baseURL });
    try {
      statuses.push((await context.get(path, { headers: { cookie } })).status());
    } finally {
      await context.dispose();
    }
  }
  return statuses;
}

test("a session cookie copied before sign-out is refused after it", async ({ page, playwright, baseURL }) => {
  await register(page, "Copied Cookie");
  const copy = await copiedSessionCookie(page);
  expect(await statusesWith(playwright, baseURL!, copy)).toEqual([200, 200]);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await statusesWith(playwright, baseURL!, copy)).toEqual([401, 401]);
});

test("a password change ends every earlier session, copies of this browser's cookie too, and keeps this browser signed in", async ({
  page,
  browser,
  playwright,
  baseURL,
}) => {
  const user = await register(page, "Password Changer");
  const copy = await copiedSessionCookie(page);
  const laptop = await browser.newContext({ baseURL });
  const laptopPage = await laptop.newPage();
  await signInAt(laptopPage, user);
  expect(await statusesWith(playwright, baseURL!, copy)).toEqual([200, 200]);

  await page.goto("/dashboard/settings");
  await expect(page.getByTestId("session-row")).toHaveCount(2);
  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password").fill("a-new-e2e-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();

  expect(await statusesWith(playwright, baseURL!, copy)).toEqual([401, 401]);
  expect((await laptopPage.request.get("/api/billing/usage")).status()).toBe(401);
  // This browser goes on, in one new session.
  expect((await page.request.get("/api/billing/usage")).status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("session-row")).toHaveCount(1);
  await expect(page.getByTestId("session-row")).toContainText("This device");
  // The new password is the one that works now.
  const token = await page.request.post("/api/auth/token", { data: { email: user.email, password: "a-new-e2e-password" } });
  expect(token.status()).toBe(201);
  await laptop.close();
});

test("revoking another session ends it; sign out everywhere ends this one too", async ({ page, browser, playwright, baseURL }) => {
  const user = await register(page, "Everywhere");
  const copy = await copiedSessionCookie(page);
  const laptop = await browser.newContext({ baseURL, userAgent: "E2E Laptop Browser" });
  const laptopPage = await laptop.newPage();
  await signInAt(laptopPage, user);
  const phone = await browser.newContext({ baseURL, userAgent: "E2E Phone Browser" });
  const phonePage = await phone.newPage();
  await signInAt(phonePage, user);

  // The phone ends the laptop's session from its sessions list.
  await phonePage.goto("/dashboard/settings");
  const rows = phonePage.getByTestId("session-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: "This device" })).toContainText("E2E Phone Browser");
  await rows.filter({ hasText: "E2E Laptop Browser" }).getByRole("button", { name: "Revoke" }).click();
  await expect(rows).toHaveCount(2);
  expect((await laptopPage.request.get("/api/billing/usage")).status()).toBe(401);
  expect(await statusesWith(playwright, baseURL!, copy)).toEqual([200, 200]);

  await phonePage.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(phonePage).toHaveURL(/\/login$/);
  expect(await statusesWith(playwright, baseURL!, copy)).toEqual([401, 401]);
  expect((await phonePage.request.get("/api/billing/usage")).status()).toBe(401);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
  await laptop.close();
  await phone.close();
});
