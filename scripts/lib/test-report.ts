import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { countTests } from "./count-tests";

/** What one runner's JSON report adds to `npm test`'s total line. */
export interface RunnerCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Why something counts as failed beyond the runner's own failed tests. */
  notes: string[];
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: unknown[] }[];
}

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites: unknown[];
  errors?: { message: string }[];
}

/**
 * The counts of a vitest JSON report (`--reporter=json`). A file that fails to load (an import
 * throws) is listed as failed with no test at all, so its tests are counted from its source and
 * added as failed: eight such files must read as their tests failing, not as one failure.
 */
export function vitestCounts(report: unknown, exitOk: boolean): RunnerCounts {
  const j = report as VitestReport;
  const counts = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests, notes: [] as string[] };
  for (const file of j.testResults) {
    if (file.status !== "failed" || file.assertionResults.length > 0) continue;
    const tests = Math.max(1, declaredTests(file.name));
    counts.failed += tests;
    counts.notes.push(`${relative(process.cwd(), file.name)} did not load (${firstLine(file.message)}): its ${plural(tests, "test")}, read from its source, count as failed`);
  }
  return exitChecked(counts, exitOk);
}

/** Tests declared in a file, or 0 when it cannot be read (it still counts as one failure). */
function declaredTests(path: string) {
  try {
    return countTests(readFileSync(path, "utf8"), path);
  } catch {
    return 0;
  }
}

/**
 * The counts of a Playwright JSON report. When one spec fails to load Playwright runs none and
 * reports only the error, so the tests of every spec (`specFiles`) count as failed.
 */
export function playwrightCounts(report: unknown, exitOk: boolean, specFiles: string[]): RunnerCounts {
  const r = report as PlaywrightReport;
  const s = r.stats;
  const counts = { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped, notes: [] as string[] };
  if (r.errors?.length && r.suites.length === 0) {
    const tests = specFiles.reduce((sum, file) => sum + declaredTests(file), 0);
    counts.failed += Math.max(1, tests);
    counts.notes.push(`no spec ran (${firstLine(r.errors[0]!.message)}): the ${plural(tests, "test")} of ${plural(specFiles.length, "spec file")}, read from their source, count as failed`);
  }
  return exitChecked(counts, exitOk);
}

/** A runner that failed must add a failure even when its report names none. */
function exitChecked(counts: RunnerCounts, exitOk: boolean): RunnerCounts {
  if (!exitOk && counts.failed === 0) {
    counts.failed = 1;
    counts.notes.push("exited non-zero with no failed test in its report");
  }
  return counts;
}

const firstLine = (message = "") => message.split("\n")[0]!.trim();
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
