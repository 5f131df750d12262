import { after } from "next/server";
import { requestPasswordResetRoute } from "~/server/rest/auth";

export const POST = requestPasswordResetRoute(after);
