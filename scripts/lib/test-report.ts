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
}

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
}

/** The counts of a vitest JSON report (`--reporter=json`). */
export function vitestCounts(report: unknown, exitOk: boolean): RunnerCounts {
  const j = report as VitestReport;
  return exitChecked({ passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests, notes: [] }, exitOk);
}

/** The counts of a Playwright JSON report. */
export function playwrightCounts(report: unknown, exitOk: boolean): RunnerCounts {
  const s = (report as PlaywrightReport).stats;
  return exitChecked({ passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped, notes: [] }, exitOk);
}

/** A runner that failed must add a failure even when its report names none. */
function exitChecked(counts: RunnerCounts, exitOk: boolean): RunnerCounts {
  if (!exitOk && counts.failed === 0) {
    counts.failed = 1;
    counts.notes.push("exited non-zero (a suite failed to load?)");
  }
  return counts;
}
