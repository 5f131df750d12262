import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { issueToken, register } from "~/server/rest/auth";
import { createProjectRoute, listProjectsRoute } from "~/server/rest/projects";
import { revokeApiToken } from "~/server/auth/api-tokens";
import { jsonRequest } from "~/test/factories";

const newEmail = () => `rest-${randomUUID()}@example.test`;

describe("POST /api/auth/register", () => {
  it("creates the user as OWNER of a new organization and returns a working token", async () => {
    const email = newEmail();
    const res = await register(jsonRequest("/api/auth/register", { body: { email, password: "password123", name: "Test User" } }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { id: string; email: string; name: string }; organization: { id: string; name: string }; token: string };
    expect(body.user).toEqual({ id: expect.any(String), email, name: "Test User" });
    expect(body.organization).toEqual({ id: expect.any(String), name: expect.any(String) });
    expect(body.token).toMatch(/^vf_/);
    const membership = await db.membership.findUniqueOrThrow({
      where: { userId_organizationId: { userId: body.user.id, organizationId: body.organization.id } },
    });
    expect(membership.role).toBe("OWNER");
    const stored = await db.user.findUniqueOrThrow({ where: { id: body.user.id } });
    expect(stored.passwordHash).not.toContain("password123");

    const projects = await listProjectsRoute(jsonRequest("/api/projects", { token: body.token }));
    expect(projects.status).toBe(200);
    expect(await projects.json()).toEqual({ projects: [] });
  });

  it("answers 409 for a taken email, in any letter case, and writes nothing", async () => {
    const email = newEmail();
    const first = await register(jsonRequest("/api/auth/register", { body: { email, password: "password123", name: "A" } }));
    expect(first.status).toBe(201);
    const orgsBefore = await db.organization.count();
    const again = await register(
      jsonRequest("/api/auth/register", { body: { email: email.toUpperCase(), password: "password123", name: "B" } }),
    );
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "CONFLICT", fieldErrors: { email: expect.any(Array) } });
    expect(await db.organization.count()).toBe(orgsBefore);
  });

  it("answers 400 naming every bad field", async () => {
    const res = await register(jsonRequest("/api/auth/register", { body: { email: "x" } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; fieldErrors: Record<string, string[]> };
    expect(body.code).toBe("BAD_REQUEST");
    expect(Object.keys(body.fieldErrors).sort()).toEqual(["email", "name", "password"]);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await register(jsonRequest("/api/auth/register", { body: "{not json" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("bearer tokens on /api/projects", () => {
  it("creates and lists projects of the token's organization only, and 401s once revoked", async () => {
    const alice = await register(jsonRequest("/api/auth/register", { body: { email: newEmail(), password: "password123", name: "Alice" } }));
    const bob = await register(jsonRequest("/api/auth/register", { body: { email: newEmail(), password: "password123", name: "Bob" } }));
    const a = (await alice.json()) as { token: string; user: { id: string }; organization: { id: string } };
    const b = (await bob.json()) as { token: string };

    const created = await createProjectRoute(jsonRequest("/api/projects", { token: a.token, body: { name: "Scraper" } }));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: "Scraper", organizationId: a.organization.id });

    const bad = await createProjectRoute(jsonRequest("/api/projects", { token: a.token, body: { name: "" } }));
    expect(bad.status).toBe(400);

    const listA = (await (await listProjectsRoute(jsonRequest("/api/projects", { token: a.token }))).json()) as { projects: unknown[] };
    const listB = (await (await listProjectsRoute(jsonRequest("/api/projects", { token: b.token }))).json()) as { projects: unknown[] };
    expect(listA.projects).toHaveLength(1);
    expect(listB.projects).toHaveLength(0);

    const token = await db.apiToken.findFirstOrThrow({ where: { userId: a.user.id } });
    expect(token.lastUsedAt).not.toBeNull();
    await revokeApiToken({ userId: a.user.id, organizationId: a.organization.id, role: "OWNER" }, token.id);
    const after = await listProjectsRoute(jsonRequest("/api/projects", { token: a.token }));
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("401s for a missing or unknown token", async () => {
    expect((await listProjectsRoute(jsonRequest("/api/projects", { token: "vf_nope" }))).status).toBe(401);
  });
});

describe("POST /api/auth/token", () => {
  it("issues a new working token for the right password", async () => {
    const email = newEmail();
    await register(jsonRequest("/api/auth/register", { body: { email, password: "password123", name: "T" } }));
    const res = await issueToken(jsonRequest("/api/auth/token", { body: { email, password: "password123" } }));
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    expect((await listProjectsRoute(jsonRequest("/api/projects", { token }))).status).toBe(200);
  });

  it("refuses with 429 and Retry-After after repeated failures from one client, even with the right password", async () => {
    const email = newEmail();
    await register(jsonRequest("/api/auth/register", { body: { email, password: "password123", name: "T" } }));
    // A client of this test's own: the throttle's counters live in Redis, which outlives the run.
    const client = `2001:db8:2:${randomUUID().slice(0, 4)}::1`; // a /64 of its own: the unit limits count by
    const tokenRequest = (password: string) => {
      const req = jsonRequest("/api/auth/token", { body: { email, password } });
      req.headers.set("x-forwarded-for", client);
      return issueToken(req);
    };
    for (let i = 0; i < 5; i++) expect((await tokenRequest("wrong-password")).status).toBe(401);
    const blocked = await tokenRequest("password123");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("900");
    expect(await blocked.json()).toMatchObject({
      code: "RATE_LIMITED",
      reason: "too_many_attempts",
      scope: "email_client",
      retryAfterSeconds: 900,
      message: "Too many sign-in attempts. Try again in 15 minutes.",
    });
  });
});
