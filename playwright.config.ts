import { defineConfig, devices } from "@playwright/test";

// E2E runs against `next start` of a finished `next build`, beside the Stripe stand-in
// (scripts/e2e-server.ts). The test command (scripts/test.ts) provides DATABASE_URL, REDIS_URL
// and AUTH_SECRET; Chromium is Debian's, never a download.
const port = Number(process.env.E2E_PORT ?? 3100);
/** Where scripts/e2e-server.ts runs the Stripe stand-in; specs drive it with the official SDK. */
export const stripePort = Number(process.env.E2E_STRIPE_PORT ?? 3199);
/** The SendGrid stand-in's port: specs read the mailbox at /__stand-in/messages?to=. */
export const sendGridPort = Number(process.env.E2E_SENDGRID_PORT ?? 3198);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: ".test-output/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: "node_modules/.bin/tsx scripts/e2e-server.ts",
    url: `${baseURL}/health`,
    timeout: 90_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { APP_URL: baseURL, E2E_PORT: String(port), E2E_STRIPE_PORT: String(stripePort), E2E_SENDGRID_PORT: String(sendGridPort) },
  },
});
