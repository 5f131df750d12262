import { register } from "~/server/rest/auth";

export const POST = register;
