import { Client, Receiver } from "@upstash/qstash";
import { env } from "~/env";
import { AppError } from "~/server/errors";

let client: Client | undefined;
let receiver: Receiver | undefined;

/** The QStash client: QStash itself, or the local stand-in when QSTASH_URL points at it. */
export function qstash(): Client {
  if (!env.QSTASH_TOKEN) throw new AppError("UNAVAILABLE", "Jobs are not configured: QSTASH_TOKEN is not set.");
  client ??= new Client({ token: env.QSTASH_TOKEN, ...(env.QSTASH_URL ? { baseUrl: env.QSTASH_URL } : {}) });
  return client;
}

/** Verifies that a job call comes from QStash (both signing keys, so a key rotation never drops one). */
export function qstashReceiver(): Receiver {
  if (!env.QSTASH_CURRENT_SIGNING_KEY || !env.QSTASH_NEXT_SIGNING_KEY) {
    throw new AppError("UNAVAILABLE", "Jobs are not configured: QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY are not set.");
  }
  receiver ??= new Receiver({ currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY });
  return receiver;
}
