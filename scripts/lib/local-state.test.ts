import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localState, resetLocalState } from "./local-state";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A data directory as `npm run dev` leaves it. */
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), "vantflow-state-"));
  dirs.push(dir);
  mkdirSync(join(dir, "postgres"));
  writeFileSync(join(dir, "postgres", "PG_VERSION"), "18\n");
  writeFileSync(join(dir, "stripe-stand-in.json"), "{}");
  writeFileSync(join(dir, "auth-secret"), "secret");
  return dir;
}

describe("resetLocalState (npm run dev -- --reset)", () => {
  it("removes the embedded database and the Stripe stand-in's state together, and keeps the dev secret", async () => {
    const dir = dataDir();
    const removed = await resetLocalState(dir, { embeddedPostgres: true, ports: [] });
    expect(removed.sort()).toEqual([localState(dir).postgres, localState(dir).stripe].sort());
    expect(readdirSync(dir)).toEqual(["auth-secret"]);
  });

  it("with DATABASE_URL set, removes only the stand-in's state", async () => {
    const dir = dataDir();
    expect(await resetLocalState(dir, { embeddedPostgres: false, ports: [] })).toEqual([localState(dir).stripe]);
    expect(existsSync(localState(dir).postgres)).toBe(true);
  });

  it("refuses while something still listens on a port of the run, and removes nothing", async () => {
    const dir = dataDir();
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(resetLocalState(dir, { embeddedPostgres: true, ports: [port] })).rejects.toThrow(`port ${port} is still in use`);
      expect(readdirSync(dir).sort()).toEqual(["auth-secret", "postgres", "stripe-stand-in.json"]);
    } finally {
      server.close();
    }
  });
});
