import { expect, test, type Page, type PlaywrightWorkerArgs } from "@playwright/test";
import { register } from "./support/app";

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
