import { ApiError, GoogleGenAI, type GenerateContentResponse } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGeminiStandIn, type GeminiStandIn } from "./server";

// Model calls go through the official SDK as the app makes them; raw fetch is used only where the
// SDK cannot send the request (no key, malformed body) and for the stand-in's control route.
const KEY = "gemini-test-key";
const MODEL = "gemini-2.5-flash";

let standIn: GeminiStandIn;
beforeAll(async () => void (standIn = await startGeminiStandIn({ apiKey: KEY, models: [MODEL, "gemini-2.5-pro"] })));
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

/**
 * `vertexai: false` so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot reroute the client.
 * `attempts: 1` pins "no retries": the SDK retries 429/5xx only when retryOptions asks for more.
 */
const sdk = (apiKey = KEY, apiVersion?: string) =>
  new GoogleGenAI({ apiKey, vertexai: false, apiVersion, httpOptions: { baseUrl: standIn.url, retryOptions: { attempts: 1 } } });

const ask = (contents: string, config?: { systemInstruction?: string; maxOutputTokens?: number }) =>
  sdk().models.generateContent({ model: MODEL, contents, config });

/** The rejection of `promise`, asserted to be the SDK's ApiError; `body` is the parsed Google error. */
async function apiError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  const body = JSON.parse((error as ApiError).message) as {
    error: { code: number; status: string; message: string; details?: ({ "@type": string } & Record<string, unknown>)[] };
  };
  return { status: (error as ApiError).status, body: body.error };
}

async function collect(stream: AsyncGenerator<GenerateContentResponse>) {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("Gemini stand-in: generateContent", () => {
  it("answers a deterministic plan for the last user message, with Gemini's response fields", async () => {
    const first = await ask("Draft a rollout plan for the new invoicing dashboard");
    const again = await ask("Draft a rollout plan for the new invoicing dashboard");

    expect(first.text).toBe(again.text);
    expect(first.text).toContain('Plan for "Draft a rollout plan for the new invoicing dashboard"');
    expect(first.text).toContain("Focus on draft, rollout, plan.");
    expect(first.candidates?.[0]).toMatchObject({ finishReason: "STOP", index: 0, content: { role: "model" } });
    expect(first.candidates?.[0]?.content?.parts?.[0]?.text).toBe(first.text);
    expect(first.modelVersion).toBe(MODEL);
    expect(first.responseId).toMatch(/^[\w-]{23}$/);
    expect(first.responseId).not.toBe(again.responseId);

    const other = await ask("Summarise last month's failed payments");
    expect(other.text).not.toBe(first.text);
  });

  it("reports usageMetadata from ~4 characters per token, growing with the input", async () => {
    const short = await ask("abcdefgh"); // 8 characters → 2 tokens
    expect(short.usageMetadata).toMatchObject({ promptTokenCount: 2 });
    const { promptTokenCount = 0, candidatesTokenCount = 0, totalTokenCount } = short.usageMetadata ?? {};
    expect(candidatesTokenCount).toBe(Math.ceil(Array.from(short.text ?? "").length / 4));
    expect(totalTokenCount).toBe(promptTokenCount + candidatesTokenCount);

    const long = await ask("abcdefgh ".repeat(40));
    expect(long.usageMetadata?.promptTokenCount).toBe(Math.ceil(("abcdefgh ".repeat(40).length) / 4));
    expect(long.usageMetadata!.promptTokenCount!).toBeGreaterThan(promptTokenCount);
    expect(long.usageMetadata!.totalTokenCount!).toBeGreaterThan(totalTokenCount!);
  });

  it("quotes the last user turn of a conversation and counts every turn in the prompt", async () => {
    const response = await sdk().models.generateContent({
      model: MODEL,
      contents: [
        { role: "user", parts: [{ text: "List our plans" }] },
        { role: "model", parts: [{ text: "Starter, Pro and Scale." }] },
        { role: "user", parts: [{ text: "Compare Pro with Scale" }] },
      ],
    });
    expect(response.text).toContain('Plan for "Compare Pro with Scale"');
    expect(response.text).toContain("turn 2");
    expect(response.usageMetadata?.promptTokenCount).toBe(4 + 6 + 6);
  });

  it("accepts a system instruction, sends it as systemInstruction and counts it in the prompt", async () => {
    const plain = await ask("Plan the data migration");
    const guided = await ask("Plan the data migration", { systemInstruction: "You are a terse billing assistant." });

    expect(standIn.requests.at(-1)?.body).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Plan the data migration" }] }],
      systemInstruction: { parts: [{ text: "You are a terse billing assistant." }] },
    });
    expect(guided.text).toContain('Follow the system instruction "You are a terse billing assistant."');
    expect(plain.text).not.toContain("system instruction");
    expect(guided.usageMetadata!.promptTokenCount! - plain.usageMetadata!.promptTokenCount!).toBe(Math.ceil("You are a terse billing assistant.".length / 4));
  });

  it("stops at maxOutputTokens with finishReason MAX_TOKENS", async () => {
    const response = await ask("Write a detailed plan", { maxOutputTokens: 5 });
    expect(response.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
    expect(response.text).toHaveLength(20);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(5);
    expect(standIn.requests.at(-1)?.body).toMatchObject({ generationConfig: { maxOutputTokens: 5 } });
  });

  it("serves the v1beta path as well as the SDK's default v1", async () => {
    await ask("default version");
    await sdk(KEY, "v1beta").models.generateContent({ model: MODEL, contents: "beta version" });
    expect(standIn.requests.map((r) => r.path)).toEqual([`/v1/models/${MODEL}:generateContent`, `/v1beta/models/${MODEL}:generateContent`]);
  });

  it("answers an unknown model with 404 NOT_FOUND", async () => {
    const { status, body } = await apiError(sdk().models.generateContent({ model: "gemini-0-unknown", contents: "hi" }));
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 404, status: "NOT_FOUND" });
    expect(body.message).toContain("models/gemini-0-unknown is not found");
  });
});

describe("Gemini stand-in: generateContentStream", () => {
  it("streams several SSE chunks that concatenate to the unary text, usage on the last", async () => {
    const prompt = "Outline the steps to migrate customers to annual billing";
    const unary = await ask(prompt);
    const chunks = await collect(await sdk().models.generateContentStream({ model: MODEL, contents: prompt }));

    expect(standIn.requests.at(-1)?.path).toBe(`/v1/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((c) => c.text).join("")).toBe(unary.text);

    const last = chunks.at(-1)!;
    expect(last.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last.usageMetadata).toMatchObject({
      promptTokenCount: unary.usageMetadata?.promptTokenCount,
      candidatesTokenCount: unary.usageMetadata?.candidatesTokenCount,
      totalTokenCount: unary.usageMetadata?.totalTokenCount,
    });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.candidates?.[0]?.finishReason).toBeUndefined();
    const running = chunks.map((c) => c.usageMetadata?.candidatesTokenCount ?? 0);
    expect(running).toEqual([...running].sort((a, b) => a - b));
  });
});

describe("Gemini stand-in: countTokens", () => {
  it("counts the prompt exactly as generateContent reports promptTokenCount", async () => {
    const text = "How many tokens does this sentence take?";
    const counted = await sdk().models.countTokens({ model: MODEL, contents: text });
    const generated = await ask(text);
    expect(counted.totalTokens).toBe(Math.ceil(text.length / 4));
    expect(counted.totalTokens).toBe(generated.usageMetadata?.promptTokenCount);

    const longer = await sdk().models.countTokens({ model: MODEL, contents: text.repeat(3) });
    expect(longer.totalTokens).toBeGreaterThan(counted.totalTokens!);
    expect(standIn.requests[0]?.path).toBe(`/v1/models/${MODEL}:countTokens`);
  });
});

describe("Gemini stand-in: injected failures", () => {
  it("answers rate_limited with 429 RESOURCE_EXHAUSTED and RetryInfo for the next N calls", async () => {
    standIn.failNext("rate_limited", 2);

    for (let i = 0; i < 2; i++) {
      const { status, body } = await apiError(ask("Plan something"));
      expect(status).toBe(429);
      expect(body).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
      const retry = body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.RetryInfo");
      expect(retry).toEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" });
    }
    expect((await ask("Plan something")).text).toContain("Plan for");
    // One HTTP request per call: the SDK did not retry.
    expect(standIn.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("fails a stream before any chunk, so the SDK rejects generateContentStream itself", async () => {
    standIn.failNext("rate_limited", 1, { retryDelay: "30s" });
    const { status, body } = await apiError(sdk().models.generateContentStream({ model: MODEL, contents: "stream me" }));
    expect(status).toBe(429);
    expect(body.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "30s" });
    expect(body.message).toContain("Please retry in 30s.");
  });

  it("answers server_error with 500 INTERNAL until cleared", async () => {
    standIn.setMode("server_error");
    for (let i = 0; i < 3; i++) {
      const { status, body } = await apiError(ask("Plan something"));
      expect(status).toBe(500);
      expect(body).toMatchObject({ code: 500, status: "INTERNAL" });
    }
    await expect(sdk().models.countTokens({ model: MODEL, contents: "x" })).rejects.toMatchObject({ status: 500 });
    standIn.setMode("normal");
    expect((await ask("Plan something")).candidates?.[0]?.finishReason).toBe("STOP");
  });

  it("limits a failure to the chosen methods, leaving countTokens working", async () => {
    standIn.failNext("unavailable", 1, { methods: ["generateContent"] });
    expect((await sdk().models.countTokens({ model: MODEL, contents: "still counted" })).totalTokens).toBe(4);
    await expect(ask("now fail")).rejects.toMatchObject({ status: 503 });
    expect(standIn.fault()).toBeNull();
  });

  it("is switched over HTTP through POST /__stand-in/mode", async () => {
    const control = (body: unknown) =>
      fetch(`${standIn.url}/__stand-in/mode`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    const set = await control({ mode: "rate_limited", count: 1, retryDelay: "12s" });
    expect(await set.json()).toEqual({ fault: { mode: "rate_limited", remaining: 1, retryDelay: "12s", methods: ["generateContent", "streamGenerateContent", "countTokens"] } });
    const { status, body } = await apiError(ask("Plan something"));
    expect(status).toBe(429);
    expect(body.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" });
    expect((await ask("Plan something")).text).toBeTruthy();

    await control({ mode: "server_error" });
    expect(await (await fetch(`${standIn.url}/__stand-in/mode`)).json()).toMatchObject({ fault: { mode: "server_error", remaining: null } });
    await control({ mode: "normal" });
    expect((await ask("Plan something")).text).toBeTruthy();

    expect((await control({ mode: "flaky" })).status).toBe(400);
    expect((await control({ mode: "rate_limited", count: 0 })).status).toBe(400);
  });
});

describe("Gemini stand-in: keys and malformed requests", () => {
  it("answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID, as the real API does", async () => {
    const { status, body } = await apiError(sdk("wrong-key").models.generateContent({ model: MODEL, contents: "hi" }));
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 400, status: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key." });
    expect(body.details).toContainEqual(expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }));
  });

  it("checks the key before injected failures, which a rejected call does not use up", async () => {
    standIn.failNext("server_error", 1);
    await expect(sdk("wrong-key").models.countTokens({ model: MODEL, contents: "hi" })).rejects.toMatchObject({ status: 400 });
    await expect(ask("hi")).rejects.toMatchObject({ status: 500 });
  });

  it("answers a missing key with 403 PERMISSION_DENIED and accepts ?key=", async () => {
    const url = `${standIn.url}/v1beta/models/${MODEL}:generateContent`;
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }) };

    const missing = await fetch(url, init);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });

    const byQuery = await fetch(`${url}?key=${KEY}`, init);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.json()).toMatchObject({ candidates: [{ finishReason: "STOP" }] });
  });

  it("rejects a body without contents or with bad JSON as INVALID_ARGUMENT", async () => {
    const post = (body: string) =>
      fetch(`${standIn.url}/v1/models/${MODEL}:generateContent`, { method: "POST", headers: { "x-goog-api-key": KEY, "content-type": "application/json" }, body });
    const empty = await post(JSON.stringify({ contents: [] }));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { status: "INVALID_ARGUMENT", message: expect.stringContaining("contents is not specified") } });
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ contents: [{ role: "system", parts: [{ text: "x" }] }] }))).status).toBe(400);
  });
});
