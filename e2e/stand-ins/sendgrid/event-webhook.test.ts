import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@sendgrid/client";
import { EventWebhook, EventWebhookHeader } from "@sendgrid/eventwebhook";
import { afterAll, describe, expect, it } from "vitest";
import { startSendGridStandIn } from "./server";

const API_KEY = "SG.stand-in-events.key";
const standIn = await startSendGridStandIn({ apiKey: API_KEY });

interface Received {
  body: string;
  signature: string;
  timestamp: string;
}
const received: Received[] = [];
// An app's receiving route as SendGrid's docs write it: the raw body, verified by @sendgrid/eventwebhook.
const receiver = createServer(async (req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const signature = String(req.headers[EventWebhookHeader.SIGNATURE().toLowerCase()]);
  const timestamp = String(req.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()]);
  received.push({ body, signature, timestamp });
  res.writeHead(verify(body, signature, timestamp) ? 200 : 403).end();
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/email/events`;
afterAll(async () => {
  await standIn.close();
  await new Promise((resolve) => receiver.close(resolve));
});

function verify(body: string, signature: string, timestamp: string, publicKey = standIn.eventWebhookPublicKey) {
  const webhook = new EventWebhook();
  return webhook.verifySignature(webhook.convertPublicKeyToECDSA(publicKey), body, signature, timestamp);
}

describe("the Event Webhook", () => {
  it("serves its verification key as SendGrid does, base64 DER", async () => {
    const client = new Client();
    client.setApiKey(API_KEY);
    client.setDefaultRequest("baseUrl", standIn.url);
    const [response, body] = await client.request({ method: "GET", url: "/v3/user/webhooks/event/settings/signed" });
    expect(response.statusCode).toBe(200);
    expect(body).toEqual({ enabled: true, public_key: standIn.eventWebhookPublicKey });
    expect(Buffer.from(standIn.eventWebhookPublicKey, "base64").toString("base64")).toBe(standIn.eventWebhookPublicKey);
  });

  it("posts signed events that @sendgrid/eventwebhook verifies, and a tampered body or a foreign key does not", async () => {
    received.length = 0;
    const response = await fetch(`${standIn.url}/__stand-in/events`, {
      method: "POST",
      body: JSON.stringify({
        url: receiverUrl,
        events: [
          { event: "bounce", email: "gone@example.com", sg_message_id: "abc" },
          { event: "dropped", email: "dropped@example.com" },
          { event: "spamreport", email: "angry@example.com" },
          { event: "delivered", email: "ok@example.com" },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const posted = (await response.json()) as { status: number; events: Record<string, unknown>[] };
    expect(posted.status).toBe(200); // the receiver verified it

    expect(received).toHaveLength(1);
    const [delivery] = received;
    const events = JSON.parse(delivery!.body) as Record<string, unknown>[];
    expect(events.map((e) => [e.event, e.email])).toEqual([
      ["bounce", "gone@example.com"],
      ["dropped", "dropped@example.com"],
      ["spamreport", "angry@example.com"],
      ["delivered", "ok@example.com"],
    ]);
    expect(events[0]).toMatchObject({ type: "bounce", sg_message_id: "abc.stand-in.0" });
    expect(events[0]!.reason).toEqual(expect.any(String));
    expect(events[1]!.reason).toEqual(expect.any(String));
    for (const e of events) expect(e).toEqual(expect.objectContaining({ timestamp: expect.any(Number), sg_event_id: expect.any(String) }));
    expect(Math.abs(Number(delivery!.timestamp) - Date.now() / 1000)).toBeLessThan(60);

    expect(verify(delivery!.body, delivery!.signature, delivery!.timestamp)).toBe(true);
    expect(verify(delivery!.body.replace("gone@example.com", "kept@example.com"), delivery!.signature, delivery!.timestamp)).toBe(false);
    expect(verify(delivery!.body, delivery!.signature, String(Number(delivery!.timestamp) + 1))).toBe(false);
    const other = await startSendGridStandIn({ apiKey: API_KEY });
    try {
      expect(verify(delivery!.body, delivery!.signature, delivery!.timestamp, other.eventWebhookPublicKey)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it("reports the receiver's answer when it refuses the events", async () => {
    const posted = await standIn.postEvents(receiverUrl.replace("127.0.0.1", "localhost"), [{ event: "delivered" }]);
    expect(posted.status).toBe(200);
    const refused = await fetch(`${standIn.url}/__stand-in/events`, { method: "POST", body: JSON.stringify({ url: receiverUrl }) });
    expect(refused.status).toBe(400);
  });
});
