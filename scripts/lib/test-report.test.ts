import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { playwrightCounts, vitestCounts } from "./test-report";

// The runners themselves run over small projects in temp dirs, so the counts are read from the
// reports they really write.
const modules = resolve(import.meta.dirname, "../../node_modules");
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function project(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "vantflow-report-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function run(dir: string, bin: string, args: string[], report: string) {
  const result = spawnSync(join(modules, ".bin", bin), args, { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { exitOk: result.status === 0, report: JSON.parse(readFileSync(join(dir, report), "utf8")) as unknown };
}

// Tests a runner never sees: the import throws before any of them is collected.
const UNLOADABLE = `import { missing } from "./not-in-the-repository";
describe("a suite", () => {
  test("uses it", () => expect(missing).toBe(1));
  test.each([1, 2, 3])("row %i", (n) => expect(n).toBeGreaterThan(0));
  test.skip("later", () => undefined);
});
`;
const UNLOADABLE_SPEC = `import { expect, test } from "@playwright/test";
import { missing } from "./not-in-the-repository";
test.describe("a suite", () => {
  test("uses it", () => expect(missing).toBe(1));
  for (const n of [1, 2, 3]) test(\`row \${n}\`, () => expect(n).toBeGreaterThan(0));
  test.skip("later", () => undefined);
});
`;

describe("vitestCounts", () => {
  it("counts the tests of a file that fails to load as failed, one by one", () => {
    const dir = project({
      "vitest.config.mjs": `export default { test: { globals: true, include: ["*.test.ts"] } };\n`,
      "loads.test.ts": `test("one", () => expect(1).toBe(1));\ntest("two", () => expect(2).toBe(2));\n`,
      "unloadable.test.ts": UNLOADABLE,
    });
    const { exitOk, report } = run(dir, "vitest", ["run", "--config", "vitest.config.mjs", "--reporter=json", "--outputFile.json=report.json"], "report.json");
    expect(exitOk).toBe(false);
    const counts = vitestCounts(report, exitOk);
    expect({ passed: counts.passed, failed: counts.failed }).toEqual({ passed: 2, failed: 5 });
    expect(counts.notes).toEqual([expect.stringMatching(/(^|\/)unloadable\.test\.ts did not load \(.*not-in-the-repository.*\): its 5 tests, read from its source, count as failed$/)]);
  }, 60_000);
});

describe("playwrightCounts", () => {
  it("counts every spec's tests as failed when one spec fails to load (Playwright then runs none)", () => {
    const dir = project({
      "pw.config.mjs": `export default { testDir: ".", testMatch: "*.spec.ts", reporter: [["json", { outputFile: "report.json" }]] };\n`,
      "loads.spec.ts": `import { expect, test } from "@playwright/test";\ntest("one", () => expect(1).toBe(1));\ntest("two", () => expect(2).toBe(2));\n`,
      "unloadable.spec.ts": UNLOADABLE_SPEC,
    });
    symlinkSync(modules, join(dir, "node_modules"));
    const { exitOk, report } = run(dir, "playwright", ["test", "--config", "pw.config.mjs"], "report.json");
    expect(exitOk).toBe(false);
    const counts = playwrightCounts(report, exitOk, [join(dir, "loads.spec.ts"), join(dir, "unloadable.spec.ts")]);
    // 2 + 3: the call inside the loop counts once (the source gives an estimate, and says so).
    expect({ passed: counts.passed, failed: counts.failed }).toEqual({ passed: 0, failed: 5 });
    expect(counts.notes).toEqual([expect.stringMatching(/^no spec ran \(.*not-in-the-repository.*\): the 5 tests of 2 spec files, read from their source, count as failed$/)]);
  }, 60_000);
});
