import { billingEventsJobRoute } from "~/server/rest/jobs";

export const POST = billingEventsJobRoute;
