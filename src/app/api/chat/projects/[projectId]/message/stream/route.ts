import { streamMessageRoute } from "~/server/rest/chat";

export const POST = streamMessageRoute;
