import { afterEach, describe, expect, it } from "vitest";
import { guideTokenQuota402 } from "~/test/quota";
import { sendMessageRoute } from "~/server/rest/chat";
import { MAX_OUTPUT_TOKENS } from "~/server/chat/token-hold";
import { nextMonthStart } from "~/server/usage/periods";
import { projectOwner as owner, routeParams, setTokenCounter, skipAfterResponse, storedMessages, tokenCounter as counter } from "~/test/chat";
import { jsonRequest } from "~/test/factories";
import { geminiStandIn } from "~/test/gemini";

const FREE_TOKENS = 100_000;

const chat = (token: string, projectId: string, body: unknown) =>
  sendMessageRoute(skipAfterResponse)(jsonRequest(`/api/chat/projects/${projectId}/message`, { token, body }), routeParams(projectId));

type Reply = { promptTokens: number; completionTokens: number; totalTokens: number; content: string; role: string; model: string };

afterEach(() => geminiStandIn().reset());

describe("POST /api/chat/projects/{projectId}/message", () => {
  it("stores the message and the reply and charges the model's reported tokens (the guide's 7.4)", async () => {
    const o = await owner();
    const res = await chat(o.token, o.projectId, { content: "Generate a plan to scrape product data from Amazon" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { message: { role: string; content: string }; reply: Reply; usage: { metric: string; current: number; limit: number } };
    expect(body.message).toMatchObject({ role: "USER", content: "Generate a plan to scrape product data from Amazon" });
    expect(body.reply).toMatchObject({ role: "ASSISTANT", model: "gemini-2.5-flash" });
    expect(body.reply.content).toContain('Plan for "Generate a plan to scrape product data from Amazon"');
    // The stand-in counts ceil(characters / 4): 51 characters → 13 prompt tokens.
    expect(body.reply.promptTokens).toBe(13);
    expect(body.reply.totalTokens).toBe(body.reply.promptTokens + body.reply.completionTokens);
    expect(body.usage).toEqual({ metric: "gemini_tokens", current: body.reply.totalTokens, limit: FREE_TOKENS });
    expect(await counter(o.orgId)).toBe(body.reply.totalTokens);
    expect(await storedMessages(o.projectId)).toBe(2);

    // The next turn sends the stored history along, and is charged on top.
    const second = (await (await chat(o.token, o.projectId, { content: "Now shorter" })).json()) as { reply: Reply };
    expect(second.reply.promptTokens).toBeGreaterThan(Math.ceil("Now shorter".length / 4));
    expect(await counter(o.orgId)).toBe(body.reply.totalTokens + second.reply.totalTokens);
  });

  it("answers the guide's exact 402 once the counter is set past the limit (8.1 → 8.2), without a model call or a write", async () => {
    const o = await owner();
    await setTokenCounter(o.orgId, 101000); // redis-cli SET usage:org:<id>:metric:gemini_tokens:<YYYY-MM> 101000
    const callsBefore = geminiStandIn().requests.length;

    const res = await chat(o.token, o.projectId, { content: "Test" });
    expect(res.status).toBe(402);
    expect(await res.json()).toEqual(guideTokenQuota402(101000, 100000, nextMonthStart(new Date()).toISOString()));
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(geminiStandIn().requests.length).toBe(callsBefore);
    expect(await counter(o.orgId)).toBe(101000);
    expect(await storedMessages(o.projectId)).toBe(0);
  });

  it("answers 404 for a project of another org and records nothing", async () => {
    const o = await owner("Owner");
    const stranger = await owner("Stranger");
    await setTokenCounter(stranger.orgId, 500);

    const res = await chat(stranger.token, o.projectId, { content: "Let me in" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
    expect(await counter(stranger.orgId)).toBe(500);
    expect(await counter(o.orgId)).toBe(0);
    expect(await storedMessages(o.projectId)).toBe(0);
    expect((await chat(stranger.token, "no-such-project", { content: "Hello" })).status).toBe(404);
    expect(await counter(stranger.orgId)).toBe(500);
  });

  it.each([
    { mode: "rate_limited" as const, status: 429, code: "RATE_LIMITED", retryAfter: "7" },
    { mode: "server_error" as const, status: 503, code: "UNAVAILABLE", retryAfter: "10" },
    { mode: "unavailable" as const, status: 503, code: "UNAVAILABLE", retryAfter: "10" },
  ])("maps Gemini's $mode during generation to $status with Retry-After $retryAfter, charging and storing nothing", async ({ mode, status, code, retryAfter }) => {
    const o = await owner();
    await setTokenCounter(o.orgId, 2000);
    geminiStandIn().failNext(mode, 1, { methods: ["generateContent"] });

    const res = await chat(o.token, o.projectId, { content: "Plan the quarter" });
    expect(res.status).toBe(status);
    expect(res.headers.get("retry-after")).toBe(retryAfter);
    expect(await res.json()).toMatchObject({ code, retryAfterSeconds: Number(retryAfter) });
    expect(await counter(o.orgId)).toBe(2000);
    expect(await storedMessages(o.projectId)).toBe(0);

    // Gemini is back: the same call goes through and is charged once.
    const ok = (await (await chat(o.token, o.projectId, { content: "Plan the quarter" })).json()) as { reply: Reply };
    expect(await counter(o.orgId)).toBe(2000 + ok.reply.totalTokens);
  });

  it("takes the RetryInfo delay of a 429 while counting the prompt, and releases the output it already held", async () => {
    const o = await owner();
    geminiStandIn().failNext("rate_limited", 1, { retryDelay: "31.5s", methods: ["countTokens"] });
    const res = await chat(o.token, o.projectId, { content: "Plan the quarter" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("32");
    expect(await counter(o.orgId)).toBe(0);
    expect(await storedMessages(o.projectId)).toBe(0);
  });

  it("refuses bad input with 400 and an unknown token with 401, recording nothing", async () => {
    const o = await owner();
    const empty = await chat(o.token, o.projectId, { content: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { content: expect.any(Array) } });
    const tooLong = await chat(o.token, o.projectId, { content: "x".repeat(8_001) });
    expect(tooLong.status).toBe(400);
    expect((await chat(o.token, o.projectId, "{not json")).status).toBe(400);
    expect((await chat("vf_unknown", o.projectId, { content: "Hello" })).status).toBe(401);
    expect(await counter(o.orgId)).toBe(0);
    expect(await storedMessages(o.projectId)).toBe(0);
  });

  it("lets 50 concurrent chats near the limit overshoot it by at most one reservation", async () => {
    const o = await owner();
    const start = FREE_TOKENS - 3 * (MAX_OUTPUT_TOKENS + 50); // room for about three calls
    await setTokenCounter(o.orgId, start);

    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => chat(o.token, o.projectId, { content: `Question ${i}` })));
    const statuses = responses.map((r) => r.status);
    const ok = responses.filter((r) => r.status === 201);
    expect(statuses.filter((s) => s !== 201 && s !== 402)).toEqual([]);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(3);

    const charged = (await Promise.all(ok.map(async (r) => ((await r.json()) as { reply: Reply }).reply.totalTokens))).reduce((a, b) => a + b, 0);
    const final = await counter(o.orgId);
    expect(final).toBe(start + charged); // every hold of a refused or finished call was settled or released
    expect(final).toBeLessThanOrEqual(FREE_TOKENS + MAX_OUTPUT_TOKENS);
    expect(await storedMessages(o.projectId)).toBe(2 * ok.length);
  });
});
