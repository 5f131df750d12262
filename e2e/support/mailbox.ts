import { expect } from "@playwright/test";
import { sendGridPort } from "../../playwright.config";

/** One email as the SendGrid stand-in's mailbox keeps it. */
export interface MailboxMessage {
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
}

/** What the app has sent to `to`, oldest first (the SendGrid stand-in of scripts/e2e-server.ts). */
export async function mailbox(to: string): Promise<MailboxMessage[]> {
  const res = await fetch(`http://127.0.0.1:${sendGridPort}/__stand-in/messages?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: MailboxMessage[] }).messages;
}

/** Polls until an email to `to` matching `match` arrives (the outbox sends after the response) and returns it. */
export async function waitForEmail(to: string, match: (m: MailboxMessage) => boolean = () => true): Promise<MailboxMessage> {
  let found: MailboxMessage | undefined;
  await expect
    .poll(
      async () => {
        found = (await mailbox(to)).find(match);
        return found !== undefined;
      },
      { timeout: 30_000, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return found!;
}
