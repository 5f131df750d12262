import { after } from "next/server";
import { streamMessageRoute } from "~/server/rest/chat";

export const POST = streamMessageRoute(after);
