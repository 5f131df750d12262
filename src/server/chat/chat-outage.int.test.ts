import { afterAll, describe, expect, it, vi } from "vitest";

// This file's own Redis, so it can stop answering; the counter store is built from REDIS_URL.
const redis = await vi.hoisted(async () => (await import("~/test/redis-server")).useOwnRedis());

const { sendMessageRoute } = await import("~/server/rest/chat");
const { replayUsageFallbacks } = await import("~/server/usage/replay-fallbacks");
const { projectOwner, routeParams, skipAfterResponse, storedMessages, tokenCounter } = await import("~/test/chat");
const { jsonRequest } = await import("~/test/factories");
const { kv } = await import("~/server/clients/redis");
const { untilStoreAnswers } = await import("~/test/redis-server");

afterAll(() => redis.close());

const chat = (token: string, projectId: string, content: string) =>
  sendMessageRoute(skipAfterResponse)(jsonRequest(`/api/chat/projects/${projectId}/message`, { token, body: { content } }), routeParams(projectId));

describe("chat while Redis does not answer", () => {
  it("answers the chats, and once Redis is back every token the model reported is counted, once", async () => {
    const o = await projectOwner("Outage chatter");
    const first = await chat(o.token, o.projectId, "Before the outage");
    expect(first.status).toBe(201);
    const charged = [((await first.json()) as { reply: { totalTokens: number } }).reply.totalTokens];

    redis.pause();
    for (const content of ["During the outage", "Still down"]) {
      const res = await chat(o.token, o.projectId, content);
      expect(res.status).toBe(201);
      charged.push(((await res.json()) as { reply: { totalTokens: number } }).reply.totalTokens);
    }
    expect(await storedMessages(o.projectId)).toBe(6);

    redis.resume();
    await untilStoreAnswers(kv);
    await replayUsageFallbacks();
    const total = charged.reduce((a, b) => a + b, 0);
    expect(await tokenCounter(o.orgId)).toBe(total);
    await replayUsageFallbacks();
    expect(await tokenCounter(o.orgId)).toBe(total);
  }, 60_000);
});
