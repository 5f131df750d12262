import { completePasswordResetRoute } from "~/server/rest/auth";

export const POST = completePasswordResetRoute;
