import { issueToken } from "~/server/rest/auth";

export const POST = issueToken;
