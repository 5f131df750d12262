import { readBodyText } from "~/server/http/read-body";
import { unsubscribeFromUsageAlerts } from "~/server/notifications/unsubscribe";
import { jsonRoute } from "~/server/rest/json-route";

/** RFC 8058's body is `List-Unsubscribe=One-Click`; anything longer is not a mail client's. */
const ONE_CLICK_MAX_BYTES = 1024;

/**
 * POST /api/email/unsubscribe?token=…: RFC 8058 one-click unsubscribe from usage alerts (mail
 * clients post it without cookies or Origin; the signed token is the authority), and what the
 * /unsubscribe page's button posts. 200 {unsubscribed: true}, again on a repeat; 400 for a bad token.
 */
export const unsubscribeRoute = jsonRoute(async (req) => {
  await readBodyText(req, ONE_CLICK_MAX_BYTES); // the body says nothing we need; only its size is bounded
  await unsubscribeFromUsageAlerts(new URL(req.url).searchParams.get("token"));
  return Response.json({ unsubscribed: true });
});
