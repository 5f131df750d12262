import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, expect, test, type BrowserContext, type TestInfo } from "@playwright/test";
import lighthouse, { desktopConfig, type Config, type Flags } from "lighthouse";
import { register, startProTrial } from "./support/app";

// Issue 14: Lighthouse on `next start` for the billing overview and the plans page, signed in with
// a Pro trial. Lighthouse drives the same Chromium as Playwright through its DevTools port: the
// browser is launched with a persistent profile, so the tab Lighthouse opens shares the signed-in
// session's cookies (Lighthouse's storage reset leaves cookies alone). Performance uses
// Lighthouse's default simulated throttling (lantern), computed from one trace per page, so a run
// depends far less on the machine's load than devtools throttling would.

/** The floors of the acceptance, on Lighthouse's 0–1 scale. */
const THRESHOLDS = { performance: 0.9, accessibility: 0.95, "best-practices": 0.95 } as const;
type Category = keyof typeof THRESHOLDS;
const CATEGORIES = Object.keys(THRESHOLDS) as Category[];

const PAGES = [
  { name: "billing", path: "/dashboard/billing" },
  { name: "plans", path: "/dashboard/billing/upgrade" },
] as const;

/** Mobile is Lighthouse's default (emulated Moto G Power, slow 4G, 4× CPU); desktop is its preset. */
const FORM_FACTORS: { name: "mobile" | "desktop"; config?: Config }[] = [{ name: "mobile" }, { name: "desktop", config: desktopConfig }];

/** Its own card: each card's trial is claimed once per run (the other specs use theirs). */
const CARD = "3566 0020 2036 0505";

const SUMMARY = resolve(import.meta.dirname, "../.test-output/lighthouse.json");

type Run = { page: string; path: string; formFactor: string; scores: Record<Category, number>; failing: Record<Category, string[]> };

/** The port Chromium chose for `--remote-debugging-port=0`: the first line of DevToolsActivePort in its profile. */
async function devToolsPort(profile: string) {
  let text = "";
  await expect.poll(() => (text = readIfExists(join(profile, "DevToolsActivePort")))).not.toBe("");
  return Number(text.split("\n")[0]);
}

function readIfExists(path: string) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The audits that cost `category` points (weighted, scored below 1), worst first, to make a failure actionable. */
function failingAudits(lhr: LighthouseResult, category: Category) {
  return lhr.categories[category]!.auditRefs.filter((ref) => ref.weight > 0)
    .map((ref) => ({ id: ref.id, score: lhr.audits[ref.id]!.score }))
    .filter((audit) => audit.score !== null && audit.score < 1)
    .sort((a, b) => a.score! - b.score!)
    .map((audit) => `${audit.id} (${audit.score})`);
}

type LighthouseResult = NonNullable<Awaited<ReturnType<typeof lighthouse>>>["lhr"];

/** One Lighthouse navigation of `url` in the browser on `port`; its JSON and HTML reports are attached to the test. */
async function audit(url: string, port: number, formFactor: (typeof FORM_FACTORS)[number], name: string, testInfo: TestInfo) {
  const flags: Flags = { port, output: ["json", "html"], onlyCategories: CATEGORIES, logLevel: "error" };
  const result = await lighthouse(url, flags, formFactor.config);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const [json, html] = result.report as string[];
  for (const [ext, body, contentType] of [["json", json, "application/json"], ["html", html, "text/html"]] as const) {
    const file = testInfo.outputPath(`lighthouse-${name}-${formFactor.name}.${ext}`);
    writeFileSync(file, body!);
    await testInfo.attach(`lighthouse-${name}-${formFactor.name}.${ext}`, { path: file, contentType });
  }
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]!.score ?? 0])) as Record<Category, number>;
  const failing = Object.fromEntries(CATEGORIES.map((c) => [c, failingAudits(lhr, c)])) as Record<Category, string[]>;
  return { scores, failing };
}

function failuresOf(run: Run) {
  return CATEGORIES.filter((c) => run.scores[c] < THRESHOLDS[c]).map(
    (c) => `${run.path} (${run.formFactor}): ${c} ${Math.round(run.scores[c] * 100)} < ${THRESHOLDS[c] * 100}; below 1: ${run.failing[c].join(", ")}`,
  );
}

test("Lighthouse on the billing overview and the plans page: performance ≥ 90, accessibility ≥ 95, best practices ≥ 95 (mobile and desktop)", async ({ launchOptions, baseURL }, testInfo) => {
  test.setTimeout(300_000);
  const profile = mkdtempSync(join(tmpdir(), "lighthouse-profile-"));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      ...launchOptions,
      headless: true,
      baseURL,
      args: [...(launchOptions.args ?? []), "--remote-debugging-port=0"],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await register(page, "Lighthouse Owner");
    await startProTrial(page, CARD);
    // Playwright's tab stays idle on a blank page while Lighthouse measures in its own tab.
    await page.goto("about:blank");
    const port = await devToolsPort(profile);

    const runs: Run[] = [];
    for (const formFactor of FORM_FACTORS) {
      for (const { name, path } of PAGES) {
        const result = await audit(new URL(path, baseURL).href, port, formFactor, name, testInfo);
        runs.push({ page: name, path, formFactor: formFactor.name, ...result });
      }
    }

    mkdirSync(resolve(SUMMARY, ".."), { recursive: true });
    writeFileSync(SUMMARY, JSON.stringify({ at: new Date().toISOString(), thresholds: THRESHOLDS, runs }, null, 2) + "\n");
    await testInfo.attach("lighthouse-summary.json", { path: SUMMARY, contentType: "application/json" });
    const failures = runs.flatMap(failuresOf);
    expect(failures, failures.join("\n")).toEqual([]);
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
