import { randomBytes, randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";

/**
 * The sign-in throttle against `next start`. `next start` keeps a client-sent X-Forwarded-For
 * (TRUSTED_PROXY_COUNT=1 reads its last entry), so each test plays its own clients. They are
 * IPv6 documentation addresses (2001:db8::/32) with this run's random tag: the throttle's counters
 * live in Redis, which outlives the database between runs, and no other spec or rerun shares them.
 */
const runTag = randomBytes(4).toString("hex");
// The app counts an IPv6 client by its /64: the run and the test make the third group, the client the fourth.
const runGroup = Number.parseInt(runTag.slice(0, 4), 16);
const clientAddress = (test: number, client: number) => `2001:db8:${(runGroup ^ test).toString(16)}:${client.toString(16)}::${runTag.slice(4)}`;

const PASSWORD = "e2e-password-123";
const LIMIT = 5; // LOGIN_MAX_ATTEMPTS: failed sign-ins for one email from one client
const CLIENT_LIMIT = 20; // LOGIN_CLIENT_MAX_ATTEMPTS: over all emails from one client
const EMAIL_LIMIT = 20; // LOGIN_EMAIL_MAX_ATTEMPTS: for one email from clients that never signed in to it

async function registerUser(request: APIRequestContext) {
  const email = `throttle-${randomUUID()}@example.test`;
  const res = await request.post("/api/auth/register", { data: { email, password: PASSWORD, name: "Tess Throttle" } });
  expect(res.status()).toBe(201);
  return email;
}

const tokenRequest = (request: APIRequestContext, email: string, password: string, client: string) =>
  request.post("/api/auth/token", { data: { email, password }, headers: { "x-forwarded-for": client } });

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

async function expectThrottled(res: APIResponse, scope: string) {
  expect(res.status()).toBe(429);
  const retryAfter = Number(res.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(await res.json()).toMatchObject({ code: "RATE_LIMITED", reason: "too_many_attempts", scope, retryAfterSeconds: retryAfter });
}

test("40 parallel guesses at POST /api/auth/token: at most 5 are checked, the rest get 429, and the right password is refused while throttled", async ({ request }) => {
  const email = await registerUser(request);
  const client = clientAddress(1, 1);
  // The right password is the last of the burst: it arrives when the reservations are long gone.
  const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? PASSWORD : `wrong-guess-${i}`));
  const answers = await Promise.all(guesses.map((guess) => tokenRequest(request, email, guess, client)));
  const statuses = answers.map((res) => res.status());

  expect(count(statuses, 401)).toBeLessThanOrEqual(LIMIT);
  expect(statuses[39]).toBe(429);
  expect(count(statuses, 401) + count(statuses, 429)).toBe(40);
  await expectThrottled(answers.find((res) => res.status() === 429)!, "email_client");

  // Still throttled after the burst: the right password gets 429, not a token.
  await expectThrottled(await tokenRequest(request, email, PASSWORD, client), "email_client");
});

test("40 parallel guesses through the NextAuth credentials callback: at most 5 are checked, the rest are told to wait", async ({ request }) => {
  const email = await registerUser(request);
  const client = clientAddress(2, 1);
  // The csrf token's cookie stays in this request context, as a browser's would.
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signIn = async (password: string) => {
    const res = await request.post("/api/auth/callback/credentials", {
      form: { email, password, csrfToken, callbackUrl: "/dashboard" },
      headers: { "x-forwarded-for": client, "x-auth-return-redirect": "1" },
    });
    expect(res.status()).toBe(200);
    const { url } = (await res.json()) as { url: string };
    return new URL(url).searchParams.get("code") ?? "signed-in";
  };
  const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? PASSWORD : `wrong-guess-${i}`));
  const codes = await Promise.all(guesses.map(signIn));

  expect(codes.filter((c) => c === "credentials").length).toBeLessThanOrEqual(LIMIT);
  expect(codes.filter((c) => c !== "credentials" && !/^rate_limited_\d+m$/.test(c))).toEqual([]);
  expect(codes[39]).toMatch(/^rate_limited_\d+m$/);
  expect(await signIn(PASSWORD)).toBe("rate_limited_15m");
});

test("password spraying: 28 emails from one client get 429 after 20 failures", async ({ request }) => {
  const client = clientAddress(3, 1);
  const statuses: number[] = [];
  for (let i = 0; i < 28; i++) {
    const res = await tokenRequest(request, `spray-${i}-${randomUUID()}@example.test`, "Summer2026!", client);
    statuses.push(res.status());
    if (i === CLIENT_LIMIT) await expectThrottled(res, "client");
  }
  expect(statuses).toEqual([...Array<number>(CLIENT_LIMIT).fill(401), ...Array<number>(28 - CLIENT_LIMIT).fill(429)]);
});

test("an account under attack from many addresses stays open to its owner's known address, and the lock is per client", async ({ request }) => {
  const email = await registerUser(request);
  const home = clientAddress(4, 0xffff);
  expect((await tokenRequest(request, email, PASSWORD, home)).status()).toBe(201); // the owner's address becomes known

  // One guess from each of 20 addresses: the account-wide limit for unknown clients is reached.
  for (let i = 1; i <= EMAIL_LIMIT; i++) expect((await tokenRequest(request, email, "wrong-guess", clientAddress(4, i))).status()).toBe(401);
  await expectThrottled(await tokenRequest(request, email, PASSWORD, clientAddress(4, 100)), "email");

  // The owner, at home, is not locked out by any of it.
  expect((await tokenRequest(request, email, PASSWORD, home)).status()).toBe(201);

  // An attacker at one address locks only that address: the owner at home still signs in.
  const attacker = clientAddress(4, 200);
  const otherEmail = await registerUser(request);
  expect((await tokenRequest(request, otherEmail, PASSWORD, home)).status()).toBe(201);
  for (let i = 0; i < LIMIT; i++) expect((await tokenRequest(request, otherEmail, `wrong-${i}`, attacker)).status()).toBe(401);
  await expectThrottled(await tokenRequest(request, otherEmail, PASSWORD, attacker), "email_client");
  expect((await tokenRequest(request, otherEmail, PASSWORD, home)).status()).toBe(201);
});

test("the login form says how long to wait when sign-in is throttled", async ({ browser }) => {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientAddress(5, 1) } });
  const page = await context.newPage();
  const email = await registerUser(context.request);
  // One sign-in at a time: each waits for the callback's answer before the next is sent.
  const submit = async (password: string) => {
    await page.getByLabel("Password").fill(password);
    const answered = page.waitForResponse((res) => res.url().includes("/api/auth/callback/credentials"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await answered;
  };
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  for (let i = 0; i < LIMIT; i++) {
    await submit(`wrong-${i}`);
    await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText("Email or password is incorrect.");
  }
  await submit(PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toHaveText("Too many sign-in attempts. Try again in 15 minutes.");
  await expect(page).toHaveURL(/\/login/);
  await context.close();
});
