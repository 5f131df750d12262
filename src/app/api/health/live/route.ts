import { live } from "~/server/rest/health";

export const dynamic = "force-dynamic";
export const GET = live;
