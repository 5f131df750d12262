import { afterEach, describe, expect, it, vi } from "vitest";
import { appRouter } from "~/server/api/root";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { TRPC_MAX_BATCH_SIZE } from "~/server/api/batch-limit";
import { trpcHandler } from "~/server/api/trpc-handler";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { makeUser } from "~/test/factories";

/** /api/trpc as the route serves it, signed in as `userId` (the session is the only part not exercised). */
const handlerFor = <R extends typeof appRouter | typeof failing>(router: R, userId: string | null) =>
  trpcHandler({ router, createContext: async ({ headers, requestId }) => ({ headers, userId, requestId }) });

const ORIGIN = "http://localhost";
const mutation = (path: string, input: unknown, headers: Record<string, string> = {}) =>
  new Request(`${ORIGIN}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify({ json: input }),
  });

type ErrorBody = { error: { json: { message: string; code: number; data: Record<string, unknown> } } };
const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error.json;

/** A procedure whose database write fails the way a NUL byte made project/org creation fail before. */
const failing = createTRPCRouter({
  nulName: protectedProcedure.mutation(() => db.organization.create({ data: { name: "a\u0000b" } })),
  gone: protectedProcedure.mutation(() => {
    throw new AppError("NOT_FOUND", "No such widget.");
  }),
  busy: protectedProcedure.mutation(() => {
    throw new AppError("RATE_LIMITED", "Too many widgets.", { headers: { "Retry-After": "42" } });
  }),
});

afterEach(() => vi.restoreAllMocks());

describe("tRPC input bounds", () => {
  it.each([
    ["project.create", "name"],
    ["org.create", "name"],
    ["token.create", "name"],
  ])("%s refuses a NUL byte in the name with 400 and field errors, and stores nothing", async (path, field) => {
    const user = await makeUser();
    const handler = handlerFor(appRouter, user.user.id);
    const name = "evil\u0000name";
    const res = await handler(mutation(path, { orgId: user.organization.id, name }));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.data).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { [field]: ["Name cannot contain control characters."] } });
    const stored = await Promise.all([
      db.project.count({ where: { organizationId: user.organization.id } }),
      db.membership.count({ where: { userId: user.user.id } }),
      db.apiToken.count({ where: { userId: user.user.id } }),
    ]);
    expect(stored).toEqual([0, 1, 1]); // the sign-up's own organization and token only
  });

  it("refuses an org id that is not an id before any query, and a chat message with NUL", async () => {
    const user = await makeUser();
    const handler = handlerFor(appRouter, user.user.id);
    const hugeId = await handler(mutation("project.create", { orgId: "x".repeat(10_000), name: "ok" }));
    expect(hugeId.status).toBe(400);
    expect((await errorOf(hugeId)).data.fieldErrors).toEqual({ orgId: ["Organization id must be at most 128 characters."] });
    const project = await db.project.create({ data: { name: "p", organizationId: user.organization.id, createdById: user.user.id } });
    const chat = await handler(mutation("chat.send", { projectId: project.id, content: "hi\u0000" }));
    expect(chat.status).toBe(400);
    expect((await errorOf(chat)).data.fieldErrors).toEqual({
      content: ["Content cannot contain control characters other than tabs and line breaks."],
    });
  });
});

describe("tRPC errors", () => {
  it("answers a failure of ours with the generic message and a request id; the log keeps the detail under that id", async () => {
    const user = await makeUser();
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await handlerFor(failing, user.user.id)(mutation("nulName", undefined));
    expect(res.status).toBe(500);
    const text = await res.text();
    for (const leak of ["prisma", "invocation", "22021", "stack", "0x00"]) expect(text.toLowerCase()).not.toContain(leak);
    const error = (JSON.parse(text) as ErrorBody).error.json;
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toBe("Something went wrong on our side. Please retry.");
    expect(error.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId });
    const line = logged.mock.calls.map(([arg]) => String(arg)).find((l) => l.includes(requestId!));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ message: "trpc failed", requestId, path: "nulName", error: { message: expect.stringContaining("organization.create") } });
  });

  it("sends the Retry-After of a refusal that names one, as REST does", async () => {
    const user = await makeUser();
    const res = await handlerFor(failing, user.user.id)(mutation("busy", null));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("42");
    const gone = await handlerFor(failing, user.user.id)(mutation("gone", null));
    expect(gone.headers.get("retry-after")).toBeNull();
  });

  it("keeps the words of an AppError the domain chose", async () => {
    const user = await makeUser();
    const res = await handlerFor(failing, user.user.id)(mutation("gone", undefined));
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ message: "No such widget.", data: { appCode: "NOT_FOUND", requestId: res.headers.get("x-request-id") } });
  });
});

describe("tRPC requests", () => {
  it(`batches at most ${TRPC_MAX_BATCH_SIZE} calls`, async () => {
    const user = await makeUser();
    const handler = handlerFor(appRouter, user.user.id);
    const batch = (n: number) =>
      new Request(`${ORIGIN}/api/trpc/${Array(n).fill("org.list").join(",")}?batch=1&input=${encodeURIComponent("{}")}`);
    expect((await handler(batch(TRPC_MAX_BATCH_SIZE))).status).toBe(200);
    const over = await handler(batch(TRPC_MAX_BATCH_SIZE + 1));
    expect(over.status).toBe(400);
    expect(await errorOf(over)).toMatchObject({ message: "Batch call exceeds maximum size" });
  });

  it("refuses a POST from another origin (403), not JSON (415) or over the body cap (413), before any procedure runs", async () => {
    const user = await makeUser();
    const handler = handlerFor(appRouter, user.user.id);
    const input = { orgId: user.organization.id, name: "Should not exist" };
    const crossOrigin = await handler(mutation("project.create", input, { origin: "http://localhost:4444" }));
    expect(crossOrigin.status).toBe(403);
    expect(await crossOrigin.json()).toMatchObject({ code: "FORBIDDEN", reason: "cross_origin" });
    expect(crossOrigin.headers.get("x-request-id")).toBeTruthy();
    const noOrigin = await handler(mutation("project.create", input, { origin: "" }));
    expect(noOrigin.status).toBe(403);

    const plain = await handler(mutation("project.create", input, { "content-type": "text/plain" }));
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const bodiless = mutation("project.create", input);
    bodiless.headers.delete("content-type");
    expect((await handler(bodiless)).status).toBe(415);

    const huge = await handler(mutation("project.create", { ...input, name: "x".repeat(70_000) }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });

    expect(await db.project.count({ where: { organizationId: user.organization.id } })).toBe(0);
  });
});
