/**
 * Where each job's route lives. QStash calls the public APP_URL + path, and signs for exactly
 * that URL: the route verifies against it and enqueues follow-ups to it, never to the address the
 * server happens to see (under `next start` that is its own host and port).
 */
export const JOB_PATHS = {
  billingSync: "/api/jobs/billing-sync",
  usageFlush: "/api/jobs/usage-flush",
  billingEvents: "/api/jobs/billing-events",
  notifications: "/api/jobs/notifications",
} as const;

export const jobUrl = (path: string, appUrl: string) => new URL(path, appUrl).toString();
