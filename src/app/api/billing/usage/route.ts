import { usageRoute } from "~/server/rest/usage";

export const GET = usageRoute;
