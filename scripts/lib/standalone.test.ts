import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareStandalone } from "./standalone";

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

  it("says to build first when there is no standalone server", () => {
    expect(() => prepareStandalone(project({ "public/robots.txt": "" }))).toThrow(/server\.js is missing: run next build/);
  });
});
