import { expect, test } from "@playwright/test";
import IORedis from "ioredis";
import { query, register } from "./support/app";

/** The app's counter store (the test command gives the app and the specs REDIS_URL). */
async function setTokenCounter(email: string, value: number) {
  const [row] = await query<{ organizationId: string }>(
    'SELECT m."organizationId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1',
    [email],
  );
  const redis = new IORedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  try {
    await redis.set(`usage:org:${row!.organizationId}:metric:gemini_tokens:${new Date().toISOString().slice(0, 7)}`, String(value));
  } finally {
    redis.disconnect();
  }
}

test("a project's chat shows each reply with its token cost, and past the quota the upgrade prompt leads to the plans", async ({ page }) => {
  const { email } = await register(page, "Chat User");
  await page.goto("/dashboard/projects");
  await page.getByLabel("Name").fill("Scraper");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Scraper" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Scraper" })).toBeVisible();
  await expect(page.getByText("No messages yet.")).toBeVisible();

  await page.getByLabel("Message", { exact: true }).fill("Generate a plan to scrape product data");
  await page.getByRole("button", { name: "Send" }).click();
  const reply = page.locator('[data-role="assistant"]');
  await expect(reply).toContainText('Plan for "Generate a plan to scrape product data"');
  await expect(reply.getByTestId("token-cost")).toHaveText(/^\d+ tokens \(prompt 10 \+ reply \d+\)$/);
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("");

  // The guide's 8.1: the counter set past the Free plan's 100,000 tokens blocks the next message.
  await setTokenCounter(email, 101_000);
  await page.getByLabel("Message", { exact: true }).fill("One more");
  await page.getByRole("button", { name: "Send" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "monthly token quota" });
  await expect(alert).toContainText("Your organization has reached its monthly token quota.");
  await expect(alert).toContainText("101,000 of 100,000 tokens used this month.");
  await expect(page.locator('[data-role="assistant"]')).toHaveCount(1);
  await alert.getByRole("link", { name: "Upgrade your plan" }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing\/upgrade$/);
});
