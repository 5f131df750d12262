/**
 * Bounded input, content types and cross-origin writes against `next start` (issue 11, points 4–6
 * and the tRPC batch cap of point 8). Requests that fail a sign-in send their own X-Forwarded-For,
 * so the throttle of 127.0.0.1 stays untouched for the other specs.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { query } from "./support/app";

const PASSWORD = "e2e-password-123";

/** Registers over REST and signs the page in through the login form. */
async function signedIn(page: Page) {
  const email = `e2e-${randomUUID()}@example.test`;
  const res = await page.request.post("/api/auth/register", { data: { email, password: PASSWORD, name: "Input Tester" } });
  expect(res.status()).toBe(201);
  const { organization, token } = (await res.json()) as { organization: { id: string }; token: string };
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, orgId: organization.id, token };
}

const projectCount = async (orgId: string) =>
  (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Project" WHERE "organizationId" = $1`, [orgId]))[0]!.n;

/** A mutation as the app's own pages send it: JSON, from the app's origin, with the page's session cookie. */
const trpcMutation = (request: APIRequestContext, baseURL: string, path: string, input: unknown) =>
  request.post(`/api/trpc/${path}`, { headers: { origin: baseURL }, data: { json: input } });

test("a 10 MB email is a 413 and a 20,000-character one a 400 naming the field", async ({ request }) => {
  const huge = await request.post("/api/auth/register", {
    data: { email: `${"a".repeat(10 * 1024 * 1024)}@example.test`, password: PASSWORD, name: "Huge" },
  });
  expect(huge.status()).toBe(413);
  expect(await huge.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });

  const long = await request.post("/api/auth/register", {
    data: { email: `${"a".repeat(20_000)}@example.test`, password: PASSWORD, name: "Long" },
  });
  expect(long.status()).toBe(400);
  expect(await long.json()).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { email: ["Email must be at most 254 characters."] } });
});

test("Auth.js's sign-in form is capped too", async ({ request }) => {
  const res = await request.post("/api/auth/callback/credentials", {
    headers: { "x-forwarded-for": "203.0.113.61" },
    form: { email: "someone@example.test", password: "x".repeat(100_000), csrfToken: "x" },
  });
  expect(res.status()).toBe(413);
});

test("a password that matches only in its first 72 bytes never signs in", async ({ page, request }) => {
  const email = `e2e-${randomUUID()}@example.test`;
  const password = "p".repeat(72);
  expect((await request.post("/api/auth/register", { data: { email, password, name: "Long Password" } })).status()).toBe(201);
  const tooLong = await request.post("/api/auth/register", {
    data: { email: `e2e-${randomUUID()}@example.test`, password: `${password}x`, name: "Too long" },
  });
  expect(tooLong.status()).toBe(400);
  expect(((await tooLong.json()) as { fieldErrors: { password: string[] } }).fieldErrors.password[0]).toMatch(/72 bytes/);

  const token = await request.post("/api/auth/token", {
    headers: { "x-forwarded-for": "203.0.113.62" },
    data: { email, password: `${password}-anything` },
  });
  expect(token.status()).toBe(400);

  await page.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.63" });
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(`${password}-anything`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toBeVisible();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a NUL byte in a project, organization or token name is a 400, over REST and tRPC, and leaks nothing", async ({ page, baseURL }) => {
  const { orgId, token } = await signedIn(page);
  const name = "evil\u0000name";

  const register = await page.request.post("/api/auth/register", {
    data: { email: `e2e-${randomUUID()}@example.test`, password: PASSWORD, name },
  });
  expect(register.status()).toBe(400);
  const rest = await page.request.post("/api/projects", { headers: { authorization: `Bearer ${token}` }, data: { name } });
  expect(rest.status()).toBe(400);
  expect(await rest.json()).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { name: ["Name cannot contain control characters."] } });

  for (const path of ["project.create", "org.create", "token.create"]) {
    const res = await trpcMutation(page.request, baseURL!, path, { orgId, name });
    const text = await res.text();
    expect(res.status(), `${path}: ${text.slice(0, 300)}`).toBe(400);
    expect(text).not.toMatch(/prisma|invocation|22021/i);
    expect(JSON.parse(text)).toMatchObject({ error: { json: { data: { fieldErrors: { name: ["Name cannot contain control characters."] } } } } });
  }
  expect(await projectCount(orgId)).toBe(0);
});

test("a JSON route refuses text/plain with a 415, and a session write without our Origin with a 403", async ({ page, baseURL }) => {
  const { orgId, token } = await signedIn(page);
  const body = JSON.stringify({ name: "Plain text" });

  const plain = await page.request.post("/api/projects", { headers: { origin: baseURL!, "content-type": "text/plain" }, data: body });
  expect(plain.status()).toBe(415);
  expect(await plain.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });

  const foreign = await page.request.post("/api/projects", { headers: { origin: "http://127.0.0.1:1" }, data: { name: "Foreign" } });
  expect(foreign.status()).toBe(403);
  expect(await foreign.json()).toMatchObject({ code: "FORBIDDEN", reason: "cross_origin" });
  const noOrigin = await page.request.post("/api/projects", { data: { name: "No origin" } });
  expect(noOrigin.status()).toBe(403);
  expect(await projectCount(orgId)).toBe(0);

  // The app's own origin, or a bearer token (no cookie involved), may write.
  expect((await page.request.post("/api/projects", { headers: { origin: baseURL! }, data: { name: "Ours" } })).status()).toBe(201);
  const bearer = await page.request.post("/api/projects", { headers: { authorization: `Bearer ${token}` }, data: { name: "Token" } });
  expect(bearer.status()).toBe(201);
  expect(await projectCount(orgId)).toBe(2);
});

/** The attacker's page: every write a browser lets another origin send without asking (no preflight). */
function attackerPage(app: string, orgId: string) {
  const trpcBody = JSON.stringify({ 0: { json: { orgId, name: "csrf-trpc-no-type" } } });
  const formData = `<input type="hidden" name='{"name":"csrf-form","pad":"' value='"}'>`;
  return `<!doctype html><html><body>
<form id="form" method="POST" enctype="text/plain" action="${app}/api/projects">${formData}</form>
<script>
(async () => {
  const sends = [
    fetch(${JSON.stringify(`${app}/api/projects`)}, { method: "POST", mode: "no-cors", credentials: "include", body: JSON.stringify({ name: "csrf-fetch" }) }),
    fetch(${JSON.stringify(`${app}/api/trpc/project.create?batch=1`)}, { method: "POST", mode: "no-cors", credentials: "include", body: new Blob([${JSON.stringify(trpcBody)}]) }),
    fetch(${JSON.stringify(`${app}/api/trpc/project.create?batch=1`)}, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(trpcBody)} }),
  ];
  await Promise.allSettled(sends);
  document.title = "sent";
  document.getElementById("form").submit();
})();
</script></body></html>`;
}

test.describe("a page on another port of the same host", () => {
  let server: Server;
  let attackerOrigin: string;
  let html = "";

  test.beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    attackerOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("cannot create anything as the signed-in user", async ({ page, baseURL }) => {
    const { orgId } = await signedIn(page);
    html = attackerPage(baseURL!, orgId);
    await page.goto(`${attackerOrigin}/`);
    await page.waitForURL(`${baseURL}/api/projects`); // the form's navigation: the last of the writes
    expect(await page.locator("body").textContent()).toContain("cross_origin");
    expect(await projectCount(orgId)).toBe(0);

    // The same page on the app's own origin does create: the writes are refused for their origin alone.
    expect((await trpcMutation(page.request, baseURL!, "project.create", { orgId, name: "Ours" })).status()).toBe(200);
    expect(await projectCount(orgId)).toBe(1);
  });
});

test("a tRPC batch over the cap is a 400", async ({ page }) => {
  await signedIn(page);
  const batch = (n: number) => page.request.get(`/api/trpc/${Array(n).fill("org.list").join(",")}?batch=1&input=%7B%7D`);
  expect((await batch(10)).status()).toBe(200);
  const over = await batch(11);
  expect(over.status()).toBe(400);
  expect(await over.text()).toContain("Batch call exceeds maximum size");
});
