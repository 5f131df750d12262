import { NextRequest } from "next/server";
import { handlers } from "~/server/auth/config";
import { withBodyCap } from "~/server/http/read-body";
import { jsonRoute } from "~/server/rest/json-route";

/** Auth.js's forms (sign-in, sign-out, CSRF token) are a few hundred bytes; past this they are a 413, not parsed. */
const AUTH_FORM_MAX_BYTES = 16 * 1024;

export const { GET } = handlers;
export const POST = jsonRoute(async (req: Request) => handlers.POST(new NextRequest(await withBodyCap(req, AUTH_FORM_MAX_BYTES))));
