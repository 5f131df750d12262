import { sendMessageRoute } from "~/server/rest/chat";

export const POST = sendMessageRoute;
