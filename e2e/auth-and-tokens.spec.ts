import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";

test("register → dashboard shell → sign out → log in → create and revoke an API token", async ({ page, request }) => {
  const email = `e2e-${randomUUID()}@example.test`;
  const password = "e2e-password-123";

  await page.goto("/register");
  await page.getByLabel("Name").fill("Erin Example");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Erin Example's organization" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Dashboard" });
  for (const item of ["Billing", "Projects", "Settings"]) await expect(nav.getByRole("link", { name: item })).toBeVisible();
  await expect(page.getByTestId("org-name")).toHaveText("Erin Example's organization");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toBeVisible();

  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await nav.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Token name").fill("e2e token");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^vf_/);
  await expect(page.getByTestId("token-row").filter({ hasText: "e2e token" })).toBeVisible();

  const ok = await request.get("/api/projects", { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);

  await page.getByTestId("token-row").filter({ hasText: "e2e token" }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "e2e token" })).toContainText("revoked");
  const revoked = await request.get("/api/projects", { headers: { authorization: `Bearer ${token}` } });
  expect(revoked.status()).toBe(401);
});

test("projects page creates a project for the active organization", async ({ page }) => {
  const email = `e2e-${randomUUID()}@example.test`;
  const res = await page.request.post("/api/auth/register", {
    data: { email, password: "e2e-password-123", name: "Pat" },
  });
  expect(res.status()).toBe(201);
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("e2e-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/dashboard/projects");
  await expect(page.getByText("No projects yet")).toBeVisible();
  await page.getByLabel("Name").fill("Amazon prices");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Amazon prices" })).toBeVisible();
});

test("health and the public pages answer", async ({ request, page }) => {
  const health = await request.get("/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok", db: "ok", redis: "ok" });
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
});

test("a second organization brings the org switcher, and switching changes the active org", async ({ page }) => {
  const email = `e2e-${randomUUID()}@example.test`;
  expect((await page.request.post("/api/auth/register", { data: { email, password: "e2e-password-123", name: "Sam" } })).status()).toBe(201);
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("e2e-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByLabel("Organization", { exact: true })).toHaveCount(0);

  await page.goto("/dashboard/settings");
  await page.getByLabel("New organization").fill("Second Org");
  await page.getByRole("button", { name: "Create organization" }).click();
  const switcher = page.getByLabel("Organization", { exact: true });
  await expect(switcher).toBeVisible();

  await switcher.selectOption({ label: "Second Org" });
  await expect(page.getByText("API access for Second Org.")).toBeVisible();
  // The switcher itself names the org switched to, not the one before (React resets a form after its action).
  await expect(switcher.locator("option:checked")).toHaveText("Second Org");
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Billing" }).click();
  await expect(page.getByText("Plan, payments and limits of Second Org.")).toBeVisible();
  await expect(switcher.locator("option:checked")).toHaveText("Second Org");
  await switcher.selectOption({ label: "Sam's organization" });
  await expect(page.getByText("Plan, payments and limits of Sam's organization.")).toBeVisible();
  await expect(switcher.locator("option:checked")).toHaveText("Sam's organization");
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Sam's organization" })).toBeVisible();
});
