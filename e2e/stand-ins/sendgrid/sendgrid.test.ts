import { Client } from "@sendgrid/client";
import { MailService, type ResponseError } from "@sendgrid/mail";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_PERSONALIZATIONS } from "./validation";
import { startSendGridStandIn } from "./server";

const API_KEY = "SG.stand-in-test.key";
const standIn = await startSendGridStandIn({ apiKey: API_KEY });
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

/** The official client pointed at the stand-in (setApiKey resets the base URL, so it comes first). */
function sdkClient(apiKey: string | null = API_KEY) {
  const client = new Client();
  if (apiKey !== null) client.setApiKey(apiKey);
  client.setDefaultRequest("baseUrl", standIn.url);
  return client;
}
function mailer(apiKey: string | null = API_KEY) {
  const mail = new MailService();
  mail.setClient(sdkClient(apiKey));
  return mail;
}
/** A raw v3 body through the SDK's client, for bodies the mail helper would refuse before sending. */
const postRaw = (body: unknown) => sdkClient().request({ method: "POST", url: "/v3/mail/send", body: body as object });
async function rejection(promise: Promise<unknown>): Promise<ResponseError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!error) throw new Error("expected the call to fail");
  return error as ResponseError;
}

const valid = {
  personalizations: [{ to: [{ email: "ada@example.com" }] }],
  from: { email: "billing@vantflow.test" },
  subject: "Hello",
  content: [{ type: "text/plain", value: "Hi" }],
};

describe("POST /v3/mail/send", () => {
  it("accepts a message with 202, an empty body and an X-Message-Id, and keeps it in the mailbox", async () => {
    const [response, body] = await mailer().send({
      to: "ada@example.com",
      from: { email: "billing@vantflow.test", name: "VantFlow" },
      subject: "Your invoice",
      html: "<p>Paid: <b>$29.00</b></p>",
      text: "Paid: $29.00",
      categories: ["invoice"],
      headers: { "X-Entity-Ref-ID": "inv_1" },
    });
    expect(response.statusCode).toBe(202);
    expect(body).toBe("");
    const messageId = response.headers["x-message-id"] as string;
    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const [stored] = standIn.messages("ADA@example.com");
    expect(stored).toMatchObject({
      messageId,
      from: { email: "billing@vantflow.test", name: "VantFlow" },
      to: [{ email: "ada@example.com" }],
      subject: "Your invoice",
      html: "<p>Paid: <b>$29.00</b></p>",
      text: "Paid: $29.00",
      categories: ["invoice"],
      headers: { "X-Entity-Ref-ID": "inv_1" },
    });
    expect(standIn.messages("someone-else@example.com")).toEqual([]);

    const json = (await (await fetch(`${standIn.url}/__stand-in/messages?to=ada@example.com`)).json()) as { messages: { id: string }[] };
    expect(json.messages.map((m) => m.id)).toEqual([stored!.id]);
    const page = await fetch(`${standIn.url}/messages/${encodeURIComponent(stored!.id)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Paid: $29.00");
    expect(html).toContain(`srcdoc="&lt;p&gt;Paid: &lt;b&gt;$29.00&lt;/b&gt;&lt;/p&gt;"`);
    expect((await fetch(`${standIn.url}/messages/nope.0`)).status).toBe(404);
  });

  it("stores one email per personalization, all under the request's message id", async () => {
    const [response] = await mailer().send({
      personalizations: [
        { to: [{ email: "a@example.com" }], subject: "For A" },
        { to: [{ email: "b@example.com" }], cc: [{ email: "c@example.com" }], subject: "For B" },
      ],
      from: "billing@vantflow.test",
      text: "x",
    });
    const messageId = response.headers["x-message-id"];
    expect(standIn.messages().map((m) => [m.id, m.subject])).toEqual([
      [`${messageId}.0`, "For A"],
      [`${messageId}.1`, "For B"],
    ]);
    expect(standIn.messages("c@example.com").map((m) => m.subject)).toEqual(["For B"]);
  });

  it("gives every one of many concurrent sends its own message id and keeps them all", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => mailer().send({ ...sendable(i) })));
    const ids = new Set(results.map(([r]) => r.headers["x-message-id"]));
    expect(ids.size).toBe(30);
    expect(standIn.messages()).toHaveLength(30);
  });

  it("answers 401 with SendGrid's error body without a key or with a wrong one, and keeps nothing", async () => {
    const missing = await rejection(mailer(null).send(sendable(0)));
    expect(missing.code).toBe(401);
    expect(missing.response.body).toEqual({ errors: [{ message: "authorization required", field: null, help: null }] });
    const wrong = await rejection(mailer("SG.wrong").send(sendable(0)));
    expect(wrong.code).toBe(401);
    expect(wrong.response.body).toEqual({ errors: [{ message: "The provided authorization grant is invalid, expired, or revoked", field: null, help: null }] });
    expect(standIn.messages()).toEqual([]);
  });

  const cases: [string, unknown, string[]][] = [
    ["no personalizations", { ...valid, personalizations: [] }, ["personalizations"]],
    ["a personalization without to", { ...valid, personalizations: [{ cc: [{ email: "c@example.com" }] }] }, ["personalizations.0.to"]],
    ["an invalid recipient", { ...valid, personalizations: [{ to: [{ email: "not-an-address" }] }] }, ["personalizations.0.to.0.email"]],
    ["a recipient twice", { ...valid, personalizations: [{ to: [{ email: "a@example.com" }], bcc: [{ email: "A@example.com" }] }] }, ["personalizations.0"]],
    ["no from", { ...valid, from: undefined }, ["from.email"]],
    ["an invalid from", { ...valid, from: { email: "billing at vantflow" } }, ["from.email"]],
    ["no subject and no template", { ...valid, subject: undefined }, ["subject"]],
    ["no content and no template", { ...valid, content: undefined }, ["content"]],
    ["an empty content value", { ...valid, content: [{ type: "text/html", value: "" }] }, ["content.0.value"]],
    ["a content type with a ;", { ...valid, content: [{ type: "text/html; charset=x", value: "v" }] }, ["content.0.type"]],
    ["text/html before text/plain", { ...valid, content: [{ type: "text/html", value: "<p>h</p>" }, { type: "text/plain", value: "t" }] }, ["content"]],
    ["everything missing at once", {}, ["personalizations", "from.email", "content"]],
  ];
  it.each(cases)("answers 400 with SendGrid's error shape for %s", async (_, body, fields) => {
    const error = await rejection(postRaw(body));
    expect(error.code).toBe(400);
    const errors = (error.response.body as unknown as { errors: { message: string; field: string | null; help: string | null }[] }).errors;
    expect(errors.map((e) => e.field)).toEqual(fields);
    for (const e of errors) {
      expect(Object.keys(e).sort()).toEqual(["field", "help", "message"]);
      expect(e.message.length).toBeGreaterThan(10);
    }
    expect(standIn.messages()).toEqual([]);
  });

  it("limits a request to 1000 personalizations and 1000 recipients", async () => {
    const personalizations = (n: number) => Array.from({ length: n }, (_, i) => ({ to: [{ email: `r${i}@example.com` }] }));
    expect((await postRaw({ ...valid, personalizations: personalizations(MAX_PERSONALIZATIONS) }))[0].statusCode).toBe(202);
    const tooMany = await rejection(postRaw({ ...valid, personalizations: personalizations(MAX_PERSONALIZATIONS + 1) }));
    expect(tooMany.code).toBe(400);
    expect(JSON.stringify(tooMany.response.body)).toContain("You have provided 1001 personalizations");
    const recipients = Array.from({ length: 1001 }, (_, i) => ({ email: `r${i}@example.com` }));
    const tooManyRecipients = await rejection(postRaw({ ...valid, personalizations: [{ to: recipients }] }));
    expect(JSON.stringify(tooManyRecipients.response.body)).toContain("limit of 1000 total recipients");
  });

  it("needs neither subject nor content with a template, or a subject in every personalization", async () => {
    expect((await postRaw({ personalizations: valid.personalizations, from: valid.from, template_id: "d-123" }))[0].statusCode).toBe(202);
    expect((await postRaw({ ...valid, subject: undefined, personalizations: [{ to: [{ email: "a@example.com" }], subject: "s" }] }))[0].statusCode).toBe(202);
    expect((await rejection(postRaw({ ...valid, subject: undefined, personalizations: [{ to: [{ email: "a@example.com" }], subject: "s" }, { to: [{ email: "b@example.com" }] }] }))).code).toBe(400);
  });

  it("answers 400 Bad Request to a body that is not JSON", async () => {
    const response = await fetch(`${standIn.url}/v3/mail/send`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" }, body: "{" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: "Bad Request", field: null, help: null }] });
  });
});

function sendable(i: number) {
  return { to: `user${i}@example.com`, from: "billing@vantflow.test", subject: `Message ${i}`, text: `Body ${i}` };
}

describe("injected faults", () => {
  it("fails the next N sends with 429, SendGrid's body and rate-limit headers, then accepts", async () => {
    const control = await fetch(`${standIn.url}/__stand-in/faults`, { method: "POST", body: JSON.stringify({ status: 429, count: 2 }) });
    expect(control.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const error = await rejection(mailer().send(sendable(i)));
      expect(error.code).toBe(429);
      expect(error.response.body).toEqual({ errors: [{ message: "too many requests", field: null, help: null }] });
      expect(error.response.headers["x-ratelimit-remaining"]).toBe("0");
      expect(Number(error.response.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    }
    expect((await mailer().send(sendable(3)))[0].statusCode).toBe(202);
    expect(standIn.messages().map((m) => m.subject)).toEqual(["Message 3"]);
  });

  it.each([500, 503] as const)("fails with %i then accepts", async (status) => {
    standIn.failNext(status, 1);
    expect((await rejection(mailer().send(sendable(0)))).code).toBe(status);
    expect((await mailer().send(sendable(1)))[0].statusCode).toBe(202);
  });

  it("fails exactly N of many concurrent sends", async () => {
    standIn.failNext(503, 3);
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => mailer().send(sendable(i))));
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(3);
    expect(standIn.messages()).toHaveLength(9);
  });

  it("delays every send by the latency set over HTTP, until reset", async () => {
    expect((await fetch(`${standIn.url}/__stand-in/latency`, { method: "POST", body: JSON.stringify({ ms: 150 }) })).status).toBe(200);
    const started = performance.now();
    await mailer().send(sendable(0));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    // A latency far past the client's timeout, cleared by reset: the send then answers in time.
    standIn.setLatency(10_000);
    standIn.reset();
    const patient = mailer();
    patient.setTimeout(3000);
    expect((await patient.send(sendable(1)))[0].statusCode).toBe(202);
    expect((await fetch(`${standIn.url}/__stand-in/latency`, { method: "POST", body: JSON.stringify({ ms: -1 }) })).status).toBe(400);
  });

  it("refuses a fault it cannot make", async () => {
    const response = await fetch(`${standIn.url}/__stand-in/faults`, { method: "POST", body: JSON.stringify({ status: 418, count: 1 }) });
    expect(response.status).toBe(400);
  });

  it("reset forgets the emails and a pending fault", async () => {
    await mailer().send(sendable(0));
    standIn.failNext(500, 5);
    expect((await fetch(`${standIn.url}/__stand-in/reset`, { method: "POST" })).status).toBe(200);
    expect(standIn.messages()).toEqual([]);
    expect((await mailer().send(sendable(1)))[0].statusCode).toBe(202);
  });
});

describe("the mailbox page", () => {
  it("lists to, from, subject and time, with user data escaped", async () => {
    await mailer().send({ ...sendable(0), subject: `<script>alert("x")</script> & <b>bold</b>`, from: { email: "billing@vantflow.test", name: "<img src=x onerror=alert(1)>" } });
    const html = await (await fetch(`${standIn.url}/`)).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(html).toContain("user0@example.com");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; &lt;billing@vantflow.test&gt;");
    expect(html).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });
});
