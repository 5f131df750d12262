/**
 * SendGrid's signed Event Webhook: each POST carries
 * `X-Twilio-Email-Event-Webhook-Timestamp` and `X-Twilio-Email-Event-Webhook-Signature`, the
 * base64 DER ECDSA (P-256, SHA-256) signature of timestamp + raw body, which
 * `@sendgrid/eventwebhook` verifies against the public key SendGrid shows in its settings
 * (base64 DER SubjectPublicKeyInfo, no PEM armour).
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

export const SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
export const TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

export const EVENT_TYPES = ["processed", "delivered", "deferred", "bounce", "dropped", "spamreport", "open", "click", "unsubscribe", "group_unsubscribe", "group_resubscribe"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventKeys {
  /** What SendGrid's settings page shows and the verifier takes. */
  publicKey: string;
  privateKey: KeyObject;
}

export function eventKeys(): EventKeys {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"), privateKey };
}

export function signEvents(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign("sha256", Buffer.from(timestamp + body, "utf8"), privateKey).toString("base64");
}

/**
 * One event as SendGrid posts it: the fields every event has, plus the ones its type adds
 * (bounce: type, status, reason; dropped: reason). Fields the caller gives win, except that an
 * `sg_message_id` without a suffix (an X-Message-Id) gets one.
 */
export function completeEvent(input: Record<string, unknown>, nowMs: number): Record<string, unknown> {
  const event = String(input.event ?? "delivered");
  const messageId = String(input.sg_message_id ?? randomBytes(16).toString("base64url"));
  const byType: Record<string, Record<string, unknown>> = {
    bounce: { type: "bounce", status: "5.1.1", reason: "550 5.1.1 The email account that you tried to reach does not exist." },
    dropped: { reason: "Bounced Address" },
    deferred: { response: "400 try again later", attempt: "1" },
    delivered: { response: "250 OK" },
  };
  return {
    email: "recipient@example.com",
    timestamp: Math.floor(nowMs / 1000),
    "smtp-id": `<${messageId}@stand-in.sendgrid.local>`,
    event,
    category: [],
    sg_event_id: randomBytes(16).toString("base64url"),
    ...byType[event],
    ...input,
    // SendGrid's sg_message_id is the send's X-Message-Id plus a per-recipient suffix.
    sg_message_id: messageId.includes(".") ? messageId : `${messageId}.stand-in.0`,
  };
}

export interface PostedEvents {
  status: number;
  body: string;
  events: Record<string, unknown>[];
}

/** Posts the events, signed, to `url` as one batch (SendGrid batches events in one JSON array). */
export async function postEvents(keys: EventKeys, url: string, inputs: Record<string, unknown>[], nowMs = Date.now()): Promise<PostedEvents> {
  const events = inputs.map((e) => completeEvent(e, nowMs));
  const body = JSON.stringify(events);
  const timestamp = String(Math.floor(nowMs / 1000));
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "SendGrid Event API",
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signEvents(keys.privateKey, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: await response.text(), events };
}
