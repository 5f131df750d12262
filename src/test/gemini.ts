import { inject } from "vitest";

/** The run's Gemini stand-in (global-setup.ts); failures are injected over its HTTP control route. */
const { url } = inject("gemini");

type Mode = "rate_limited" | "server_error" | "unavailable" | "normal";
type Method = "generateContent" | "streamGenerateContent" | "countTokens";

async function control(path: string, init?: RequestInit) {
  const res = await fetch(`${url}${path}`, init);
  if (!res.ok) throw new Error(`Gemini stand-in ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<unknown>;
}

/** The next `count` calls of `methods` (default all) fail with `mode`; "normal" clears it. */
export const setGeminiMode = (mode: Mode, opts: { count?: number; retryDelay?: string; methods?: Method[] } = {}) =>
  control("/__stand-in/mode", { method: "POST", body: JSON.stringify({ mode, ...opts }) });

/** How many model calls the stand-in has answered so far. */
export const geminiCalls = async () => ((await control("/__stand-in/requests")) as { requests: unknown[] }).requests.length;
