import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, prepareStandalone, startStandalone } from "./standalone";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), "standalone-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("prepareStandalone", () => {
  it("copies public/ and .next/static beside server.js, replacing what an earlier build left", () => {
    const root = project({
      ".next/standalone/server.js": "",
      ".next/standalone/.next/static/chunks/old.js": "stale",
      ".next/static/chunks/new.js": "fresh",
      "public/robots.txt": "User-agent: *",
    });
    const dir = prepareStandalone(root);
    expect(readFileSync(join(dir, ".next/static/chunks/new.js"), "utf8")).toBe("fresh");
    expect(existsSync(join(dir, ".next/static/chunks/old.js"))).toBe(false);
    expect(readFileSync(join(dir, "public/robots.txt"), "utf8")).toBe("User-agent: *");
  });

  it("removes the .env files next build copied beside server.js (secrets, stale values)", () => {
    const root = project({
      ".next/standalone/server.js": "",
      ".next/standalone/.env": "STRIPE_SECRET_KEY=sk_live_secret",
      ".next/standalone/.env.production": "APP_URL=https://old.example.com",
      ".next/standalone/.env.local": "AUTH_SECRET=x",
      ".next/standalone/package.json": "{}",
    });
    const dir = prepareStandalone(root);
    expect(readdirSync(dir).sort()).toEqual(["package.json", "server.js"]);
  });

  it("says to build first when there is no standalone server", () => {
    expect(() => prepareStandalone(project({ "public/robots.txt": "" }))).toThrow(/server\.js is missing: run next build/);
  });
});

describe("startStandalone", () => {
  it("stop() kills a server that ignores SIGTERM, rather than waiting for ever", async () => {
    // A stand-in server.js that answers the readiness probe and shrugs off SIGTERM.
    const root = project({
      ".next/standalone/server.js": `
        process.on("SIGTERM", () => {});
        require("node:http").createServer((_, res) => res.end("ok")).listen(Number(process.env.PORT), process.env.HOSTNAME);`,
    });
    const server = await startStandalone({ port: await freePort(), env: { NODE_ENV: "production" }, root, stopGraceMs: 200 });
    await server.stop();
    expect(server.child.signalCode).toBe("SIGKILL");
  });
});
