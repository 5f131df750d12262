import { afterAll } from "vitest";
import { startGeminiStandIn, type GeminiStandIn } from "../../e2e/stand-ins/gemini/server";

let standIn: GeminiStandIn | undefined;

/**
 * A Gemini stand-in of the test file's own (setup-env.ts starts it before the app's modules read
 * the environment): failures a test injects cannot reach a model call of another file running at
 * the same time, and a test counts the calls its own code made.
 */
export async function startTestGemini() {
  const apiKey = "gemini_integration";
  standIn = await startGeminiStandIn({ apiKey });
  afterAll(() => standIn?.close());
  return { url: standIn.url, apiKey };
}

export function geminiStandIn(): GeminiStandIn {
  if (!standIn) throw new Error("the Gemini stand-in starts in src/test/setup-env.ts");
  return standIn;
}
