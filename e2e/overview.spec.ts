import { expect, test, type Page, type TestInfo } from "@playwright/test";
import IORedis from "ioredis";
import { usageKey } from "../src/server/usage/keys";
import { monthOf } from "../src/server/usage/periods";
import { advanceClockOf, orgIdOf, register, startProTrial } from "./support/app";

// Issue 14, point 5: the overview is the org's home — what needs attention, plan and status, the
// next invoice, this month's usage against the limits and the recent invoices.

/** Its own card: each card's trial is claimed once per run (the other specs use theirs). */
const CARD = "4000 0003 6000 0006";

const WIDTHS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "390", width: 390, height: 844 },
] as const;

/** The Redis the app under test counts in (the test command gives both REDIS_URL). */
const redis = new IORedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
test.afterAll(() => redis.quit());

/** The overview at both widths, without horizontal scroll, each as a full-page screenshot attached to the report. */
async function shoot(page: Page, testInfo: TestInfo, name: string) {
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto("/dashboard");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal scroll at ${size.name} px`).toBeLessThanOrEqual(0);
    const shot = testInfo.outputPath(`${name}@${size.name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach(`${name}@${size.name}`, { path: shot, contentType: "image/png" });
  }
}


test("a Free org's home: plan, usage against the Free limits, no upcoming invoice, the upgrade call; near its token quota it says so", async ({
  page,
  request,
}, testInfo) => {
  const { email, password } = await register(page, "Home Owner");
  await expect(page.getByRole("heading", { level: 1, name: "Home Owner's organization" })).toBeVisible();

  await expect(page.getByTestId("home-plan")).toHaveText("Free");
  await expect(page.getByTestId("home-next-invoice")).toHaveText("No upcoming invoice");
  const usage = page.getByTestId("home-usage");
  await expect(usage.getByTestId("usage-gemini_tokens")).toContainText("0 / 100,000");
  await expect(usage.getByTestId("usage-projects")).toContainText("0 / 3");
  await expect(usage.getByTestId("usage-team_members")).toContainText("1 / 1");
  const upgrade = page.getByTestId("home-upgrade");
  await expect(upgrade).toContainText("14-day free trial");
  await expect(upgrade.getByRole("link", { name: "Upgrade" })).toHaveAttribute("href", "/dashboard/billing/upgrade");
  await expect(page.getByTestId("home-no-invoices")).toBeVisible();
  // The one seat a solo Free org uses is no cause for attention.
  await expect(page.getByTestId("attention-none")).toBeVisible();
  // Each section opens its page.
  await expect(page.getByRole("link", { name: "Billing details" })).toHaveAttribute("href", "/dashboard/billing");
  await expect(page.getByRole("link", { name: "Usage details" })).toHaveAttribute("href", "/dashboard/billing");
  await expect(page.getByRole("link", { name: "All invoices" })).toHaveAttribute("href", "/dashboard/billing/invoices");
  await expect(usage.getByRole("link", { name: "Projects" })).toHaveAttribute("href", "/dashboard/projects");
  await shoot(page, testInfo, "overview-free");

  // 85,000 tokens this month in the org's counter, as the API reports them to a token holder.
  const counter = usageKey(await orgIdOf(email), "gemini_tokens", monthOf(new Date()));
  await redis.set(counter, "85000", "EX", 3_600);
  const { token } = (await (await request.post("/api/auth/token", { data: { email, password } })).json()) as { token: string };
  const reported = (await (await request.get("/api/billing/usage", { headers: { authorization: `Bearer ${token}` } })).json()) as {
    usage: { metric: string; percentage: number }[];
  };
  expect(reported.usage.find((l) => l.metric === "gemini_tokens")?.percentage).toBe(85);

  await page.goto("/dashboard");
  await expect(usage.getByRole("progressbar", { name: "Gemini tokens / month" })).toHaveAttribute("aria-valuetext", "85%");
  const items = page.getByTestId("attention-item");
  await expect(items).toHaveCount(1);
  await expect(items.first()).toHaveAttribute("data-kind", "near_limit");
  await expect(items.first()).toContainText("85% of the monthly Gemini token quota is used.");
  await expect(items.first().getByRole("link", { name: "See plans" })).toHaveAttribute("href", "/dashboard/billing/upgrade");
  await shoot(page, testInfo, "overview-free-near-limit");
  await redis.del(counter);
});

test("a Pro trial org's home: plan and status, the trial's end, the next invoice; three days before the end, 'Trial ends …' needs attention", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const { email } = await register(page, "Trial Owner");
  await startProTrial(page, CARD);

  await page.goto("/dashboard");
  await expect(page.getByTestId("home-plan")).toHaveText("Pro");
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "trialing");
  await expect(page.getByTestId("home-trial")).toContainText("(14 days left)");
  await expect(page.getByTestId("home-next-invoice")).toHaveText(/^\$29\.00 on \w{3} \d{1,2}, \d{4}$/);
  await expect(page.getByTestId("home-upgrade")).toHaveCount(0);
  await expect(page.getByTestId("home-usage").getByTestId("usage-gemini_tokens")).toContainText("2,000,000");
  await expect(page.getByTestId("attention-none")).toBeVisible();
  // The trial's first invoice is for $0: the home lists what was charged, so none yet (the invoices page keeps it).
  await expect(page.getByTestId("home-invoice")).toHaveCount(0);
  await expect(page.getByTestId("home-no-invoices")).toBeVisible();
  await shoot(page, testInfo, "overview-pro-trial");

  // Twelve days on the customer's Stripe clock: two days of the trial are left.
  await advanceClockOf(email, 12);
  const trialEnding = page.locator('[data-testid="attention-item"][data-kind="trial_ending"]');
  await expect(async () => {
    await page.reload();
    await expect(trialEnding).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(trialEnding).toContainText("Trial ends in 2 days, on");
  await expect(trialEnding).toContainText("the Pro plan is billed to the card on file");
  await expect(page.getByTestId("home-trial")).toContainText("(2 days left)");
  await expect(page.getByTestId("home-next-invoice")).toContainText("$29.00 on");
  await shoot(page, testInfo, "overview-pro-trial-ending");
});
