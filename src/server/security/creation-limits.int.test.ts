import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

// A registration limit small enough to reach; set before anything imports ~/env.
vi.hoisted(() => vi.stubEnv("REGISTER_CLIENT_MAX_PER_HOUR", "3"));

const { createCaller } = await import("~/server/api/root");
const { db } = await import("~/server/clients/db");
const { issueToken, register } = await import("~/server/rest/auth");
const { listProjectsRoute } = await import("~/server/rest/projects");
const { creationCaps } = await import("~/server/security/creation-caps");
const { rateLimits } = await import("~/server/security/rate-limit");
const { generateToken } = await import("~/server/auth/token-format");
const { jsonRequest, makeUser } = await import("~/test/factories");

const callerOf = (userId: string) => createCaller({ headers: new Headers(), userId });
const DAY_MS = 86_400_000;

/** What a 429 from a tRPC procedure carries: the AppError behind it. */
const rateLimited = (reason: string, limit: number) => ({
  code: "TOO_MANY_REQUESTS",
  cause: { code: "RATE_LIMITED", details: { reason, limit, retryAfterSeconds: expect.any(Number) } },
});

/** Rows straight into the database: reaching a cap through the API would first hit the hourly rate. */
async function seedTokens(userId: string, organizationId: string, count: number, extra: { revokedAt?: Date; expiresAt?: Date } = {}) {
  await db.apiToken.createMany({
    data: Array.from({ length: count }, (_, i) => {
      const { prefix, tokenHash } = generateToken();
      return { userId, organizationId, name: `seeded ${i}`, prefix, tokenHash, ...extra };
    }),
  });
}

describe("org.create", () => {
  it(`allows ${rateLimits.orgCreate.limit} new organizations per user per hour, then 429`, async () => {
    const { user } = await makeUser("Org founder");
    const caller = callerOf(user.id);
    for (let i = 0; i < rateLimits.orgCreate.limit; i++) await caller.org.create({ name: `Org ${i}` });
    await expect(caller.org.create({ name: "One too many" })).rejects.toMatchObject(rateLimited("orgCreate_rate_limited", rateLimits.orgCreate.limit));
    expect(await caller.org.list()).toHaveLength(rateLimits.orgCreate.limit + 1);
    // Another user is not held back.
    const other = await makeUser("Other founder");
    await expect(callerOf(other.user.id).org.create({ name: "Fine" })).resolves.toMatchObject({ name: "Fine" });
  });

  it(`refuses a user who owns ${creationCaps.ownedOrganizations.limit} organizations with 409`, async () => {
    const { user } = await makeUser("Owner of many");
    for (let i = 1; i < creationCaps.ownedOrganizations.limit; i++) {
      await db.organization.create({ data: { name: `Seeded ${i}`, memberships: { create: { userId: user.id, role: "OWNER" } } } });
    }
    await expect(callerOf(user.id).org.create({ name: "Twenty-first" })).rejects.toMatchObject({
      code: "CONFLICT",
      cause: { code: "CONFLICT", details: { reason: "organization_cap_reached", limit: creationCaps.ownedOrganizations.limit } },
    });
  });
});

describe("token.create and POST /api/auth/token", () => {
  it(`share one rate of ${rateLimits.tokenCreate.limit} tokens per user per hour; the REST 429 has Retry-After`, async () => {
    const owner = await makeUser("Token maker");
    const orgId = owner.organization.id;
    const caller = callerOf(owner.user.id);
    for (let i = 0; i < rateLimits.tokenCreate.limit - 1; i++) await caller.token.create({ orgId, name: `t${i}` });
    const viaRest = await issueToken(jsonRequest("/api/auth/token", { body: { email: owner.email, password: owner.password } }));
    expect(viaRest.status).toBe(201);

    await expect(caller.token.create({ orgId, name: "over" })).rejects.toMatchObject(rateLimited("tokenCreate_rate_limited", rateLimits.tokenCreate.limit));
    const refused = await issueToken(jsonRequest("/api/auth/token", { body: { email: owner.email, password: owner.password } }));
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { code: string; retryAfterSeconds: number; limit: number };
    expect(body).toMatchObject({ code: "RATE_LIMITED", reason: "tokenCreate_rate_limited", limit: rateLimits.tokenCreate.limit });
    expect(refused.headers.get("retry-after")).toBe(String(body.retryAfterSeconds));
  });

  it(`stop at ${creationCaps.liveApiTokens.limit} live tokens per user and org: revoked and expired ones do not count`, async () => {
    const owner = await makeUser("Token hoarder");
    const { id: userId } = owner.user;
    const orgId = owner.organization.id;
    // The sign-up token is live; revoked and expired rows are not.
    await seedTokens(userId, orgId, 10, { revokedAt: new Date() });
    await seedTokens(userId, orgId, 10, { expiresAt: new Date(Date.now() - DAY_MS) });
    await seedTokens(userId, orgId, creationCaps.liveApiTokens.limit - 2); // with the sign-up token: one place left
    const caller = callerOf(userId);

    const cap = { code: "CONFLICT", cause: { details: { reason: "api_token_cap_reached", limit: creationCaps.liveApiTokens.limit } } };

    // Another creation takes the last place and holds the user's row until we let it finish:
    // this one waits for it instead of counting the same free place, then finds the cap.
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const other = db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${userId} FOR UPDATE`;
      const { prefix, tokenHash } = generateToken();
      await tx.apiToken.create({ data: { userId, organizationId: orgId, name: "the last place", prefix, tokenHash } });
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await held;
    const creating = caller.token.create({ orgId, name: "waits" }).then(
      () => "created",
      (error: unknown) => error,
    );
    expect(await Promise.race([creating.then(() => "finished"), untilSomeoneWaitsForTheUserLock().then(() => "waiting")])).toBe("waiting");
    release();
    await other;
    expect(await creating).toMatchObject(cap);

    // Revoking one frees a place (the revoked and expired rows above never took one).
    const last = (await caller.token.list({ orgId })).find((t) => t.name === "the last place");
    await caller.token.revoke({ orgId, tokenId: last!.id });
    await expect(caller.token.create({ orgId, name: "after revoke" })).resolves.toMatchObject({ name: "after revoke" });
    await expect(caller.token.create({ orgId, name: "full again" })).rejects.toMatchObject(cap);
    // The cap is per organization.
    const second = await caller.org.create({ name: "Second" });
    await expect(caller.token.create({ orgId: second.id, name: "elsewhere" })).resolves.toMatchObject({ name: "elsewhere" });
  });
});

describe("token expiry", () => {
  it("a token made with expiresInDays carries its expiry, is listed with it, and is refused once it has passed", async () => {
    const owner = await makeUser("Expiring");
    const orgId = owner.organization.id;
    const caller = callerOf(owner.user.id);
    const before = Date.now();
    const weekly = await caller.token.create({ orgId, name: "weekly", expiresInDays: 7 });
    expect(weekly.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    expect(weekly.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
    const forever = await caller.token.create({ orgId, name: "forever" });
    expect(forever.expiresAt).toBeNull();
    await expect(caller.token.create({ orgId, name: "too long", expiresInDays: 366 })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    expect((await listProjectsRoute(jsonRequest("/api/projects", { token: weekly.token }))).status).toBe(200);
    // Its expiry passes (moved back in the database: the token was never used, so nothing cached it).
    const expiringSoon = await caller.token.create({ orgId, name: "soon", expiresInDays: 1 });
    await db.apiToken.update({ where: { id: expiringSoon.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const refused = await listProjectsRoute(jsonRequest("/api/projects", { token: expiringSoon.token }));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: "UNAUTHORIZED" });

    const listed = await caller.token.list({ orgId });
    expect(listed.find((t) => t.id === expiringSoon.id)?.expiresAt!.getTime()).toBeLessThan(Date.now());
    expect(listed.find((t) => t.id === forever.id)).toMatchObject({ expiresAt: null, revokedAt: null });
  });

  it("POST /api/auth/token takes expiresInDays and answers with expiresAt; without it the token never expires", async () => {
    const owner = await makeUser("REST expiry");
    const timed = await issueToken(jsonRequest("/api/auth/token", { body: { email: owner.email, password: owner.password, expiresInDays: 30 } }));
    expect(timed.status).toBe(201);
    const { expiresAt } = (await timed.json()) as { expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(29 * DAY_MS);
    const plain = await issueToken(jsonRequest("/api/auth/token", { body: { email: owner.email, password: owner.password } }));
    expect(await plain.json()).toMatchObject({ expiresAt: null });
    const bad = await issueToken(jsonRequest("/api/auth/token", { body: { email: owner.email, password: owner.password, expiresInDays: 0 } }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { expiresInDays: expect.any(Array) } });
  });
});

describe("POST /api/auth/register", () => {
  it("allows REGISTER_CLIENT_MAX_PER_HOUR sign-ups per client address, then 429 with Retry-After; other addresses go on", async () => {
    // Random addresses: the counts live in a Redis that outlives this run.
    const octet = () => Math.floor(Math.random() * 250) + 1;
    const address = `10.${octet()}.${octet()}.${octet()}`;
    const signUp = (from: string) => {
      const req = jsonRequest("/api/auth/register", { body: { email: `reg-${randomUUID()}@example.test`, password: "password123", name: "R" } });
      req.headers.set("x-forwarded-for", from);
      return register(req);
    };
    for (let i = 0; i < 3; i++) expect((await signUp(address)).status).toBe(201);
    const refused = await signUp(address);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "RATE_LIMITED", reason: "register_rate_limited", limit: 3 });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Only the last X-Forwarded-For entry (the one our proxy appended) names the client: a forged
    // entry in front of it does not buy a fresh count.
    expect((await signUp(`203.0.113.9, ${address}`)).status).toBe(429);
    expect((await signUp(`10.${octet()}.${octet()}.${octet()}`)).status).toBe(201);
  });

  it("does not make one site-wide sign-up limit of requests whose client cannot be told", async () => {
    const signUp = () => register(jsonRequest("/api/auth/register", { body: { email: `reg-${randomUUID()}@example.test`, password: "password123", name: "U" } }));
    for (let i = 0; i < 5; i++) expect((await signUp()).status).toBe(201); // no X-Forwarded-For: UNKNOWN_CLIENT; the limit is 3
  });
});

/** Resolves once a database session is waiting for a row lock taken with FOR UPDATE (only createWithinCap takes one). */
async function untilSomeoneWaitsForTheUserLock() {
  for (;;) {
    const [{ waiting }] = await db.$queryRaw<[{ waiting: number }]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'`;
    if (waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
