import { afterAll, vi } from "vitest";
import { startSendGridStandIn, type SendGridStandIn } from "../../e2e/stand-ins/sendgrid/server";

let standIn: SendGridStandIn | undefined;

/**
 * A SendGrid stand-in of the test file's own (setup-env.ts starts it before the app's modules
 * read the environment): faults a test injects and the mailbox it reads belong to it alone.
 */
export async function startTestSendGrid() {
  const apiKey = "SG.integration.key";
  standIn = await startSendGridStandIn({ apiKey });
  afterAll(() => standIn?.close());
  return { url: standIn.url, apiKey, eventWebhookPublicKey: standIn.eventWebhookPublicKey };
}

export function sendGridStandIn(): SendGridStandIn {
  if (!standIn) throw new Error("the SendGrid stand-in starts in src/test/setup-env.ts");
  return standIn;
}

/**
 * A module of the app imported afresh with `overrides` in the environment (~/env reads it once,
 * at import): for a test of a configuration the file's own environment does not have. The
 * environment is restored before this returns; the fresh module keeps what it read.
 */
export async function importWithEnv<T>(overrides: Record<string, string>, load: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  Object.assign(process.env, overrides);
  vi.resetModules();
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
