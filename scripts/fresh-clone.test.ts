import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// A fresh clone has nothing beside it: no file of the repository may read, import or point to a
// path above its root (a test that did made 8 files fail to load on every clone).
const root = resolve(import.meta.dirname, "..");
const TEXT = /\.(ts|tsx|mts|js|mjs|cjs|json|md|ya?ml|sh|prisma|sql|css|toml|example)$|(^|\/)(run|Dockerfile)$/;
// A relative path that climbs one or more levels up (in code, strings, links and prose alike).
const CLIMBING = /(?<![\w.])(?:\.\.\/)+[\w@.-]*(?:\/[\w@.-]+)*/g;

function repositoryFiles() {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  return listed.split("\0").filter((file) => file && TEXT.test(file) && file !== "package-lock.json");
}

describe("a fresh clone", () => {
  it("reads nothing outside the repository", () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const outside: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(root, file), "utf8");
      } catch {
        continue; // listed but deleted in the working tree
      }
      for (const [path] of text.matchAll(CLIMBING)) {
        if (relative(root, resolve(root, dirname(file), path)).startsWith("..")) outside.push(`${file}: ${path}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
