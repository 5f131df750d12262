/**
 * `npm run bench`: runs every benchmark in scripts/bench (each top-level *.ts but this runner and the shared helpers, one
 * after another in a process of its own, so none shares a port, a database or a warm module cache
 * with another); `npm run bench -- quota-402` runs only the named ones. Exits 1 if any failed.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const dir = resolve(import.meta.dirname);
/** Modules the benchmarks import, not benchmarks themselves. */
const HELPERS = new Set(["index.ts", "lib.ts", "next-app.ts"]);
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !HELPERS.has(f) && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3))
  .filter((name) => !only.length || only.includes(name))
  .sort();

const failed: string[] = [];
for (const name of benches) {
  console.log(`\n[bench] ${name}`);
  const run = spawnSync(join(dir, "../../node_modules/.bin/tsx"), [join(dir, `${name}.ts`)], { stdio: "inherit" });
  if (run.status !== 0) failed.push(name);
}
if (failed.length) console.error(`[bench] failed: ${failed.join(", ")}`);
process.exit(failed.length ? 1 : 0);
