import { billingSyncJobRoute } from "~/server/rest/jobs";

export const POST = billingSyncJobRoute;
