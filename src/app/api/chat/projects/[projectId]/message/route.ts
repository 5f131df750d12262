import { after } from "next/server";
import { sendMessageRoute } from "~/server/rest/chat";

export const POST = sendMessageRoute(after);
