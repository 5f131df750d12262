import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_CONTENT_LENGTH } from "~/server/chat/messages";
import { db } from "~/server/clients/db";
import { JSON_BODY_MAX_BYTES } from "~/server/http/read-body";
import { issueToken, register } from "~/server/rest/auth";
import { jsonRoute } from "~/server/rest/json-route";
import { sendMessageRoute } from "~/server/rest/chat";
import { usageFlushJobRoute } from "~/server/rest/jobs";
import { createProjectRoute } from "~/server/rest/projects";
import { skipAfterResponse } from "~/test/chat";
import { jsonRequest, makeUser } from "~/test/factories";

const newEmail = () => `bounds-${randomUUID()}@example.test`;
type Body = { code: string; message: string; fieldErrors?: Record<string, string[]>; requestId?: string };

afterEach(() => vi.restoreAllMocks());

describe("REST input bounds", () => {
  it("caps a job route's body before its signature is checked (anyone can reach it): 413", async () => {
    const huge = new Request("http://localhost/api/jobs/usage-flush", {
      method: "POST",
      headers: { "content-type": "application/json", "upstash-signature": "forged" },
      body: "x".repeat(JSON_BODY_MAX_BYTES + 1),
    });
    const res = await usageFlushJobRoute(huge);
    expect(res.status).toBe(413);
    expect(((await res.json()) as Body).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers a chat path whose project id cannot be an id with 404, never a query", async () => {
    const user = await makeUser();
    for (const projectId of ["a\u0000b", "x".repeat(10_000)]) {
      const req = jsonRequest(`/api/chat/projects/x/message`, { body: { content: "hello" }, token: user.token });
      const res = await sendMessageRoute(skipAfterResponse)(req, { params: Promise.resolve({ projectId }) });
      expect(res.status).toBe(404);
      expect(((await res.json()) as Body).code).toBe("NOT_FOUND");
    }
  });

  it("refuses a 20,000-character email with 400 naming the field, and stores nothing", async () => {
    const email = `${"a".repeat(20_000)}@example.test`;
    const res = await register(jsonRequest("/api/auth/register", { body: { email, password: "password123", name: "Long" } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Body).fieldErrors).toEqual({ email: ["Email must be at most 254 characters."] });
    expect(await db.user.count({ where: { name: "Long" } })).toBe(0);
  });

  it("refuses a password over 72 bytes at sign-up and at token issue, counting bytes", async () => {
    const tooLong = "é".repeat(37); // 37 characters, 74 bytes
    const res = await register(jsonRequest("/api/auth/register", { body: { email: newEmail(), password: tooLong, name: "P" } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Body).fieldErrors?.password?.[0]).toMatch(/at most 72 bytes/);

    const user = await makeUser();
    const issued = await issueToken(jsonRequest("/api/auth/token", { body: { email: user.email, password: `${user.password}${"x".repeat(72)}` } }));
    expect(issued.status).toBe(400);
    expect(((await issued.json()) as Body).fieldErrors?.password?.[0]).toMatch(/at most 72 bytes/);
  });

  it("refuses a NUL byte in a user, organization or project name with 400", async () => {
    for (const body of [
      { email: newEmail(), password: "password123", name: "a\u0000b" },
      { email: newEmail(), password: "password123", name: "ok", organizationName: "a\u0000b" },
    ]) {
      const res = await register(jsonRequest("/api/auth/register", { body }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as Body).code).toBe("BAD_REQUEST");
    }
    const user = await makeUser();
    const project = await createProjectRoute(jsonRequest("/api/projects", { token: user.token, body: { name: "a\u0000b" } }));
    expect(project.status).toBe(400);
    expect(((await project.json()) as Body).fieldErrors).toEqual({ name: ["Name cannot contain control characters."] });
  });

  it("answers 415 for a body that is not declared JSON and 413 past the cap", async () => {
    const user = await makeUser();
    const plain = new Request("http://localhost/api/projects", {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}`, "content-type": "text/plain" },
      body: JSON.stringify({ name: "Plain" }),
    });
    const res = await createProjectRoute(plain);
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });

    const huge = await register(jsonRequest("/api/auth/register", { body: { email: `${"a".repeat(10_000_000)}@x.test`, password: "p", name: "n" } }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limitBytes: JSON_BODY_MAX_BYTES });
    expect(await db.project.count({ where: { organizationId: user.organization.id } })).toBe(0);
  });

  it("fits a chat message of the longest allowed length in the widest characters under the body cap", () => {
    const widest = JSON.stringify({ content: "\u0001".repeat(MAX_CONTENT_LENGTH) }); // \u0001 escapes to 6 bytes
    expect(Buffer.byteLength(widest)).toBeLessThan(JSON_BODY_MAX_BYTES);
  });
});

describe("REST 500s", () => {
  it("answer the generic message with a request id that the log line repeats with the detail", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const route = jsonRoute(async () => Response.json(await db.organization.create({ data: { name: "a\u0000b" } })));
    const res = await route(new Request("http://localhost/api/test", { method: "POST" }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text.toLowerCase()).not.toMatch(/prisma|invocation|22021/);
    const body = JSON.parse(text) as Body;
    expect(body).toMatchObject({ code: "INTERNAL", message: "Something went wrong on our side. Please retry." });
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
    const line = logged.mock.calls.map(([arg]) => String(arg)).find((l) => l.includes(body.requestId!));
    expect(JSON.parse(line!)).toMatchObject({ message: "route failed", requestId: body.requestId, error: { message: expect.stringContaining("22021") } });
  });
});
