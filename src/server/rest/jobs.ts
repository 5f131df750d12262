import { env } from "~/env";
import { qstash, qstashReceiver } from "~/server/clients/qstash";
import { AppError } from "~/server/errors";
import { billingSyncPayload, runBillingSync } from "~/server/jobs/billing-sync";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";
import { jsonRoute } from "~/server/rest/json-route";

/**
 * A job route: the body is verified as QStash's (signature over the raw body and the public
 * APP_URL + path it was sent to, always, whatever the environment) before anything runs; a
 * failure is a 5xx so QStash retries.
 */
function qstashJob(path: string, handler: (body: unknown) => Promise<unknown>) {
  return jsonRoute(async (req) => {
    const raw = await req.text();
    const signature = req.headers.get("upstash-signature");
    const receiver = qstashReceiver();
    const url = jobUrl(path, env.APP_URL);
    const valid = signature ? await receiver.verify({ signature, body: raw, url }).catch(() => false) : false;
    if (!valid) throw new AppError("UNAUTHORIZED", "This route only answers QStash.", { details: { reason: "invalid_signature" } });
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      throw new AppError("BAD_REQUEST", "The job payload must be JSON.");
    }
    return Response.json(await handler(body));
  });
}

/** POST /api/jobs/billing-sync: one batch; when more remain, the next batch is enqueued to this route. */
export const billingSyncJobRoute = qstashJob(JOB_PATHS.billingSync, async (body) => {
  const payload = billingSyncPayload.parse(body);
  const result = await runBillingSync(payload);
  if (result.nextCursor) {
    await qstash().publishJSON({ url: jobUrl(JOB_PATHS.billingSync, env.APP_URL), body: { cursor: result.nextCursor, batchSize: payload.batchSize } });
  }
  return result;
});
