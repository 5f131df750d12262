import { afterEach, describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { sendMessageRoute, streamMessageRoute } from "~/server/rest/chat";
import { projectOwner as owner, routeParams as params, setTokenCounter, skipAfterResponse, tokenCounter as counter } from "~/test/chat";
import { jsonRequest } from "~/test/factories";
import { geminiStandIn } from "~/test/gemini";

const stream = (o: { token: string; projectId: string }, content: string) =>
  streamMessageRoute(skipAfterResponse)(jsonRequest(`/api/chat/projects/${o.projectId}/message/stream`, { token: o.token, body: { content } }), params(o.projectId));
const unary = (o: { token: string; projectId: string }, content: string) =>
  sendMessageRoute(skipAfterResponse)(jsonRequest(`/api/chat/projects/${o.projectId}/message`, { token: o.token, body: { content } }), params(o.projectId));

const assistantReplies = (projectId: string) =>
  db.chatMessage.findMany({ where: { projectId, role: "ASSISTANT" }, select: { content: true, totalTokens: true, completionTokens: true } });

type Reply = { content: string; totalTokens: number; promptTokens: number; completionTokens: number };

/** The server-sent events of a body: `event: name` then `data: json`. */
function events(body: string) {
  return body
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine!.replace("event: ", ""), data: JSON.parse(dataLine!.replace("data: ", "")) as Record<string, unknown> };
    });
}

afterEach(() => geminiStandIn().reset());

describe("POST /api/chat/projects/{projectId}/message/stream", () => {
  it("streams the reply as deltas, then stores it and charges what the model reported, as the unary call would", async () => {
    const o = await owner();
    const res = await stream(o, "Plan the onboarding emails for new customers");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const received = events(await res.text());
    const deltas = received.filter((e) => e.event === "delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(received.at(-1)?.event).toBe("done");
    const done = received.at(-1)!.data as { reply: Reply; usage: { current: number } };
    expect(deltas.map((d) => d.data.text).join("")).toBe(done.reply.content);

    const other = await owner("Unary");
    const whole = (await (await unary(other, "Plan the onboarding emails for new customers")).json()) as { reply: Reply };
    expect(done.reply).toMatchObject({ content: whole.reply.content, totalTokens: whole.reply.totalTokens });
    expect(await counter(o.orgId)).toBe(done.reply.totalTokens);
    expect(done.usage.current).toBe(done.reply.totalTokens);
    expect(await assistantReplies(o.projectId)).toHaveLength(1);
  });

  it("charges an abandoned stream the tokens the model reported up to then, stores that much text, and releases the rest of the hold", async () => {
    const full = await owner("Full");
    const whole = (await (await unary(full, "Draft a migration plan for the billing database")).json()) as { reply: Reply };

    const o = await owner("Quitter");
    const res = await stream(o, "Draft a migration plan for the billing database");
    const reader = res.body!.getReader();
    const first = events(new TextDecoder().decode((await reader.read()).value));
    expect(first).toEqual([{ event: "delta", data: { text: expect.any(String) } }]);
    await reader.cancel(); // the client goes away after the first chunk

    const [stored] = await assistantReplies(o.projectId);
    expect(stored!.content).toBe(first[0]!.data.text);
    expect(whole.reply.content.startsWith(stored!.content)).toBe(true);
    expect(stored!.totalTokens).toBe(whole.reply.promptTokens + Math.ceil(Array.from(stored!.content).length / 4));
    expect(stored!.totalTokens).toBeLessThan(whole.reply.totalTokens);
    expect(await counter(o.orgId)).toBe(stored!.totalTokens);
  });

  it("answers Gemini's 429 at the stream's start as JSON 429 with Retry-After, charging and storing nothing", async () => {
    const o = await owner();
    geminiStandIn().failNext("rate_limited", 1, { methods: ["streamGenerateContent"] });
    const res = await stream(o, "Plan the week");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toMatchObject({ code: "RATE_LIMITED" });
    expect(await counter(o.orgId)).toBe(0);
    expect(await assistantReplies(o.projectId)).toHaveLength(0);
  });

  it("answers the guide's 402 before any model call when the org is past its quota", async () => {
    const o = await owner();
    await setTokenCounter(o.orgId, 101000);
    const before = geminiStandIn().requests.length;
    const res = await stream(o, "Test");
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: "Quota exceeded", quota: { metric: "gemini_tokens", current: 101000, limit: 100000, percentage: 101 } });
    expect(geminiStandIn().requests.length).toBe(before);
    expect(await counter(o.orgId)).toBe(101000);
  });
});
