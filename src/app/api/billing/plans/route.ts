import { plansRoute } from "~/server/rest/billing";

export const GET = plansRoute;
