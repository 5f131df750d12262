import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { stripePort } from "../../playwright.config";
import { LOCAL_STRIPE_SECRET } from "../../scripts/lib/local-stripe";
import { sdkFor } from "../stand-ins/stripe/sdk";

/** The stand-in that scripts/e2e-server.ts runs beside the app, through the official SDK. */
export const stripe = sdkFor(`http://127.0.0.1:${stripePort}`, LOCAL_STRIPE_SECRET);

/** Registers a fresh user through the page; returns their credentials. */
export async function register(page: Page, name = "Billing Buyer") {
  const email = `e2e-${randomUUID()}@example.test`;
  const password = "e2e-password-123";
  await page.goto("/register");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, password };
}

/** Signs `user` in through the login page. */
export async function signInAt(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Fills the stand-in's hosted card form. */
export async function fillCard(page: Page, number: string) {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
}

/** From the billing page on Free: upgrade to Pro monthly and pay the stand-in's hosted Checkout with `card`. */
export async function startProTrial(page: Page, card: string) {
  await page.goto("/dashboard/billing");
  await expect(page.getByTestId("plan-name")).toHaveText("Free");
  await page.getByRole("link", { name: "Upgrade", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/billing\/upgrade$/);
  const pro = page.getByRole("region", { name: "Pro" });
  await expect(pro.getByText("$29")).toBeVisible();
  await page.getByRole("radio", { name: /Yearly/ }).click();
  await expect(pro.getByText("Save $58 a year")).toBeVisible();
  await page.getByRole("radio", { name: /Monthly/ }).click();
  await pro.getByRole("button", { name: "Start 14-Day Trial" }).click();

  // The stand-in's hosted Checkout page.
  await expect(page.getByText("VantFlow Pro — $29.00 / month")).toBeVisible();
  await fillCard(page, card);
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  // Back in the app, the page confirms with Stripe and then drops the query string.
  await expect(page).toHaveURL(/\/dashboard\/billing$/);
}

/** A read of the app's database (the test command gives the app and the specs DATABASE_URL). */
export async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The organization of the user with `email` (their first membership). */
export async function orgIdOf(email: string) {
  const [row] = await query<{ organizationId: string }>(
    `SELECT m."organizationId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1 ORDER BY m."createdAt" LIMIT 1`,
    [email],
  );
  if (!row) throw new Error(`no membership for ${email}`);
  return row.organizationId;
}

/** Moves the test clock of the customer with `email` (the stand-in gives each its own) forward. */
export async function advanceClockOf(email: string, days: number) {
  const [customer] = (await stripe.customers.list({ email })).data;
  if (!customer?.test_clock) throw new Error(`no customer with a test clock for ${email}`);
  const clockId = typeof customer.test_clock === "string" ? customer.test_clock : customer.test_clock.id;
  const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
  await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: clock.frozen_time + days * 86_400 });
}
