import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { formatDate } from "../src/components/format";
import { query, register } from "./support/app";

const DAY_MS = 86_400_000;
/** A date as settings shows it (the app's one date formatter). */
const dayIn = (days: number, from = Date.now()) => formatDate(new Date(from + days * DAY_MS), "en-US");

test("POST /api/auth/token issues at most 20 tokens per user per hour, then 429 with Retry-After", async ({ request }) => {
  const email = `e2e-${randomUUID()}@example.test`;
  const password = "e2e-password-123";
  expect((await request.post("/api/auth/register", { data: { email, password, name: "Token Flood" } })).status()).toBe(201);

  for (let i = 0; i < 20; i++) {
    const res = await request.post("/api/auth/token", { data: { email, password, name: `ci ${i}` } });
    expect(res.status(), await res.text()).toBe(201);
  }
  const refused = await request.post("/api/auth/token", { data: { email, password } });
  expect(refused.status()).toBe(429);
  const body = (await refused.json()) as { code: string; reason: string; limit: number; retryAfterSeconds: number };
  expect(body).toMatchObject({ code: "RATE_LIMITED", reason: "tokenCreate_rate_limited", limit: 20 });
  expect(body.retryAfterSeconds).toBeGreaterThan(0);
  expect(refused.headers()["retry-after"]).toBe(String(body.retryAfterSeconds));
  expect(refused.headers()["content-type"]).toContain("application/json");
});

test("settings creates tokens that expire in 90 days by default or never, and shows an expired one as expired", async ({ page }) => {
  const { email } = await register(page, "Expiry Picker");
  await page.goto("/dashboard/settings");
  await expect(page.getByLabel("Expires")).toHaveValue("90");

  const before = Date.now();
  await page.getByLabel("Token name").fill("quarterly");
  await page.getByRole("button", { name: "Create token" }).click();
  const quarterlyToken = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  const quarterly = page.getByTestId("token-row").filter({ hasText: "quarterly" });
  await expect(quarterly).toContainText(new RegExp(`Expires (${dayIn(90, before)}|${dayIn(90)})`));
  await expect(quarterly).toContainText("active");

  await page.getByLabel("Expires").selectOption("never");
  await page.getByLabel("Token name").fill("forever");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "forever" })).toContainText("Never expires");
  await expect(page.getByTestId("new-token")).not.toHaveText(quarterlyToken);

  expect((await page.request.get("/api/projects", { headers: { authorization: `Bearer ${quarterlyToken}` } })).status()).toBe(200);
  // Its expiry passes (moved back in the database); the actor cache keeps a token no longer than
  // 30 s, so ask through a token that has not been used yet.
  const shown = page.getByTestId("new-token");
  const foreverToken = (await shown.textContent())?.trim() ?? "";
  await page.getByLabel("Expires").selectOption("7");
  await page.getByLabel("Token name").fill("weekly");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(shown).not.toHaveText(foreverToken);
  const weeklyToken = (await shown.textContent())?.trim() ?? "";
  await query(`UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 day' WHERE name = 'weekly' AND "userId" = (SELECT id FROM "User" WHERE email = $1)`, [email]);
  const refused = await page.request.get("/api/projects", { headers: { authorization: `Bearer ${weeklyToken}` } });
  expect(refused.status()).toBe(401);
  await page.reload();
  const weekly = page.getByTestId("token-row").filter({ hasText: "weekly" });
  await expect(weekly).toContainText(`Expired ${dayIn(-1)}`);
  await expect(weekly).toContainText("expired");
});

test("creating more than 10 organizations in an hour is refused with a clear message", async ({ page }) => {
  await register(page, "Org Flood");
  await page.goto("/dashboard/settings");
  const field = page.getByLabel("New organization");
  const orgs = page.getByRole("listitem");
  for (let i = 1; i <= 10; i++) {
    await field.fill(`Flood org ${i}`);
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect(orgs.filter({ hasText: `Flood org ${i}` })).toBeVisible();
  }
  await field.fill("Flood org 11");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "at most 10 organizations per hour" })).toBeVisible();
  await page.reload();
  await expect(orgs.filter({ hasText: "Flood org 10" })).toBeVisible();
  await expect(orgs.filter({ hasText: "Flood org 11" })).toHaveCount(0);
});
