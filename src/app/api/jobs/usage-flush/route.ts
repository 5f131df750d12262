import { usageFlushJobRoute } from "~/server/rest/jobs";

export const POST = usageFlushJobRoute;

/** Seconds a platform (Vercel) lets one call of this job run: the longest QStash-driven jobs need all of it. */
export const maxDuration = 300;
