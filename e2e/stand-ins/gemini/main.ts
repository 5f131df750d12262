/**
 * The stand-in as a process of its own, for manual runs:
 *   npx tsx e2e/stand-ins/gemini/main.ts --api-key KEY [--port 4010] [--host 127.0.0.1] [--stream-delay-ms 40]
 * Point the app at the printed URL (GEMINI_API_BASE) with the same key (GEMINI_API_KEY), and switch
 * failures with POST /__stand-in/mode (see server.ts). Configuration comes from flags only.
 */
import { parseArgs } from "node:util";
import { startGeminiStandIn } from "./server";

const { values } = parseArgs({
  options: {
    "api-key": { type: "string" },
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    "stream-delay-ms": { type: "string", default: "0" },
  },
});
if (!values["api-key"]) {
  console.error("usage: main.ts --api-key KEY [--port N] [--host H] [--stream-delay-ms N]");
  process.exit(2);
}

const standIn = await startGeminiStandIn({
  apiKey: values["api-key"],
  port: Number(values.port),
  host: values.host,
  streamChunkDelayMs: Number(values["stream-delay-ms"]),
});
console.log(`[gemini] stand-in on ${standIn.url}`);

const stop = () => void standIn.close().finally(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
