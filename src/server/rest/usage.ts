import { requestActor } from "~/server/auth/request-actor";
import { currentUsage } from "~/server/usage/read-usage";
import { jsonRoute } from "~/server/rest/json-route";

/** GET /api/billing/usage → 200 {usage:[{metric, current, limit, percentage, unlimited}]} (the guide's 7.5). */
export const usageRoute = jsonRoute(async (req) => {
  const actor = await requestActor(req);
  return Response.json({ usage: await currentUsage(actor.organizationId) });
});
