/**
 * What every preflight check returns: the problems it found, each naming the variable to fix.
 * A message never carries a secret's value (it may carry a price id or a URL, which are not).
 */
export interface Problem {
  variable: string;
  message: string;
}

/** The deployment's variables as the app would read them; an empty value counts as unset (as in src/env.ts). */
export type PreflightConfig = Readonly<Record<string, string | undefined>>;

export const valueOf = (config: PreflightConfig, name: string) => {
  const value = config[name]?.trim();
  return value ? value : undefined;
};

export const problem = (variable: string, message: string): Problem => ({ variable, message });

/** A check that could not run because what it needs is missing or failing (another check names that). */
export const SKIPPED = null;
export type CheckOutcome = Problem[] | typeof SKIPPED;

/** A failure of a call (network, auth) as text without the request's credentials. */
export const reasonOf = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return e.code ? `${e.code}: ${e.message ?? ""}`.trim() : (e.message ?? String(error));
};

/** Who calls the job routes: QStash (its variables and schedules are checked), or a local scheduler running the job CLIs. */
export type JobScheduler = "qstash" | "cron";
export interface PreflightOptions {
  jobs: JobScheduler;
}
