import { usageFlushJobRoute } from "~/server/rest/jobs";

export const POST = usageFlushJobRoute;
