import { unsubscribeRoute } from "~/server/rest/email";

export const POST = unsubscribeRoute;
