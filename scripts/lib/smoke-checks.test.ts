import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { runSmoke, smokeSteps } from "./smoke-checks";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  return new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

describe("the smoke test", () => {
  it("fails a step whose request the server never answers, instead of hanging", async () => {
    // Accepts every request and never answers it.
    server = createServer(() => undefined);
    await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
    const { port } = server.address() as { port: number };
    const lines: string[] = [];
    const passed = await runSmoke(smokeSteps(`http://127.0.0.1:${port}`, "whsec_smoke", { requestTimeoutMs: 100 }), (line) => lines.push(line));
    expect(passed).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/^FAIL GET \/health .*(timeout|aborted)/i)]);
  });
});
