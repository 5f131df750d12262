import { notificationsJobRoute } from "~/server/rest/jobs";

/** A sender call claims no row past its 120 s budget (send.ts); a send ends within SENDGRID_TIMEOUT_MS. */
export const maxDuration = 300;

export const POST = notificationsJobRoute;
