import { billingEventsJobRoute } from "~/server/rest/jobs";

/** A drain call starts no customer past its 120 s budget (billing-events.ts); its syncs finish well within this. */
export const maxDuration = 300;

export const POST = billingEventsJobRoute;
