import { sendGridEventsRoute } from "~/server/rest/sendgrid";

export const POST = sendGridEventsRoute;
