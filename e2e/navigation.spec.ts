import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";

/** A user made through the REST endpoint, so the browser stays signed out. */
async function registeredUser(page: Page) {
  const email = `e2e-${randomUUID()}@example.test`;
  const password = "e2e-password-123";
  const res = await page.request.post("/api/auth/register", { data: { email, password, name: "Deep Linker" } });
  expect(res.status()).toBe(201);
  return { email, password };
}

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a signed-out deep link to /dashboard/billing lands there after login", async ({ page, baseURL }) => {
  const user = await registeredUser(page);
  await page.goto("/dashboard/billing");
  await expect(page).toHaveURL(`${baseURL}/login?callbackUrl=%2Fdashboard%2Fbilling`);
  await signIn(page, user);
  await expect(page).toHaveURL(`${baseURL}/dashboard/billing`);
  await expect(page.getByRole("heading", { level: 1, name: "Billing" })).toBeVisible();

  // The guide's /billing/* paths keep their destination too, query included. Leaving the page
  // first ends its in-flight session requests, whose answers could set the cookie again.
  await page.goto("about:blank");
  await page.context().clearCookies();
  await page.goto("/billing/upgrade?checkout=canceled");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await signIn(page, user);
  // The page shows the query's message once and then drops the query (FlashToast), so the proof
  // that the query arrived is the message, not a URL the page may already have replaced.
  await expect(page.getByText("Checkout canceled: nothing was charged.")).toBeVisible();
  await expect(page).toHaveURL(`${baseURL}/dashboard/billing/upgrade`);
});

test("a hostile callbackUrl never leaves the app: login lands on the dashboard", async ({ page, baseURL }) => {
  const user = await registeredUser(page);
  for (const hostile of ["https://evil.example/steal", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/..//evil.example"]) {
    // Leaving the dashboard first ends its in-flight session requests, whose answers could set the
    // cookie again; signed in, /login would then send us on to the dashboard without a form.
    await page.goto("about:blank");
    await page.context().clearCookies();
    await page.goto(`/login?callbackUrl=${encodeURIComponent(hostile)}`);
    await signIn(page, user);
    await expect(page, `callbackUrl=${hostile}`).toHaveURL(`${baseURL}/dashboard`);
  }
});
