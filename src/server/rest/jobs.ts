import { qstash, qstashReceiver } from "~/server/clients/qstash";
import { AppError } from "~/server/errors";
import { billingSyncPayload, runBillingSync } from "~/server/jobs/billing-sync";
import { jsonRoute } from "~/server/rest/json-route";

/**
 * A job route: the body is verified as QStash's (signature over the raw body and this URL,
 * always, whatever the environment) before anything runs; a failure is a 5xx so QStash retries.
 */
function qstashJob(handler: (body: unknown, req: Request) => Promise<unknown>) {
  return jsonRoute(async (req) => {
    const raw = await req.text();
    const signature = req.headers.get("upstash-signature");
    const receiver = qstashReceiver();
    const valid = signature ? await receiver.verify({ signature, body: raw, url: req.url }).catch(() => false) : false;
    if (!valid) throw new AppError("UNAUTHORIZED", "This route only answers QStash.", { details: { reason: "invalid_signature" } });
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      throw new AppError("BAD_REQUEST", "The job payload must be JSON.");
    }
    return Response.json(await handler(body, req));
  });
}

/** POST /api/jobs/billing-sync: one batch; when more remain, the next batch is enqueued to this route. */
export const billingSyncJobRoute = qstashJob(async (body, req) => {
  const payload = billingSyncPayload.parse(body);
  const result = await runBillingSync(payload);
  if (result.nextCursor) {
    await qstash().publishJSON({ url: req.url, body: { cursor: result.nextCursor, batchSize: payload.batchSize } });
  }
  return result;
});
