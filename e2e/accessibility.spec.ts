import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { register, startProTrial } from "./support/app";

// Issue 14, point 6 and the mobile part of point 1: every dashboard page at desktop and phone width
// has no horizontal scroll and no serious or critical axe violation, at phone width with the menu
// closed and open; a full-page screenshot of each is kept as a test artifact. Pages are fixed in
// the app, never by excluding axe rules.

const WIDTHS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "390", width: 390, height: 844 },
] as const;

/** Its own card: each card's trial is claimed once per run (the other specs use theirs). */
const CARD = "3714 496353 98431";

const STATIC_PAGES = [
  "/dashboard",
  "/dashboard/billing",
  "/dashboard/billing/upgrade",
  "/dashboard/billing/invoices",
  "/dashboard/billing/payment-methods",
  "/dashboard/projects",
  "/dashboard/team",
  "/dashboard/settings",
];

async function createProject(page: Page, name: string) {
  await page.goto("/dashboard/projects");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return new URL(page.url()).pathname;
}

/** No horizontal scroll and no serious or critical axe violation in the page as it is now; a screenshot named `shot` is kept. */
async function checkView(page: Page, label: string, shot: string, testInfo: TestInfo) {
  const failures: string[] = [];
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth) failures.push(`${label}: horizontal scroll (${scrollWidth} > ${innerWidth})`);
  const { violations } = await new AxeBuilder({ page }).analyze();
  for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
    failures.push(`${label}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  // A file in the test's output folder (test-results/…), listed as an attachment in the report.
  const file = testInfo.outputPath(`${shot}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(shot, { path: file, contentType: "image/png" });
  return failures;
}

/** How far down a phone's screen the page's own content may start: the top bar stays compact. */
const PHONE_CONTENT_TOP = 120;

/**
 * At 390 px, beyond the page itself: its content starts near the top (the navigation is a top bar,
 * not a 350 px header), and the opened menu is checked like a page.
 */
async function checkPhoneMenu(page: Page, path: string, name: string, testInfo: TestInfo) {
  const failures: string[] = [];
  const top = (await page.locator("main").locator("h1, h2, p, section").first().boundingBox())?.y ?? Infinity;
  if (top > PHONE_CONTENT_TOP) failures.push(`${path} @390: content starts at ${Math.round(top)} px, below ${PHONE_CONTENT_TOP} px`);
  const menuButton = page.getByRole("button", { name: "Menu" });
  await menuButton.click();
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByTestId("dashboard-menu").getByRole("link", { name: "Settings" })).toBeVisible();
  failures.push(...(await checkView(page, `${path} @390 menu open`, `${name}@390-menu`, testInfo)));
  await menuButton.click();
  await expect(page.getByTestId("dashboard-menu")).toBeHidden();
  return failures;
}

/** The checks for the page at `path` at every width (screenshots named after `name`); returns the failures instead of throwing, so one run reports them all. */
async function checkPage(page: Page, path: string, name: string, testInfo: TestInfo) {
  const failures: string[] = [];
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    failures.push(...(await checkView(page, `${path} @${size.name}`, `${name}@${size.name}`, testInfo)));
    if (size.name === "390") failures.push(...(await checkPhoneMenu(page, path, name, testInfo)));
  }
  return failures;
}

test("every dashboard page at 1280 and 390 px (menu closed and open): no horizontal scroll and no serious or critical axe violation", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await register(page, "Accessible Owner");
  await startProTrial(page, CARD);
  const chat = await createProject(page, "Reachable");

  const failures: string[] = [];
  const pages = [...STATIC_PAGES.map((path) => ({ path, name: path.slice(1).replaceAll("/", "-") })), { path: chat, name: "dashboard-project-chat" }];
  for (const { path, name } of pages) failures.push(...(await checkPage(page, path, name, testInfo)));
  expect(failures, failures.join("\n")).toEqual([]);
});
