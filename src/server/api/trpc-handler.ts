/**
 * tRPC over HTTP: what every request to /api/trpc goes through before and around the router.
 * A POST (every mutation) must come from the app's own origin, say it is JSON and stay under the
 * body cap; tRPC then batches at most TRPC_MAX_BATCH_SIZE calls. Each request gets an id, sent
 * back as X-Request-Id and as `data.requestId` of its errors, and logged with any 500's detail.
 */
import { randomUUID } from "node:crypto";
import type { AnyTRPCRouter, inferRouterContext } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "~/env";
import { TRPC_MAX_BATCH_SIZE } from "~/server/api/batch-limit";
import { AppError, errorBody, toAppError } from "~/server/errors";
import { JSON_BODY_MAX_BYTES, withBodyCap } from "~/server/http/read-body";
import { requireJsonContentType, requireSameOrigin } from "~/server/http/request-guards";
import type { RunAfterResponse } from "~/server/http/run-after-response";
import { logger } from "~/server/logger";
import { sendEnqueuedNotifications } from "~/server/notifications/after-response";

export const TRPC_ENDPOINT = "/api/trpc";

export function trpcHandler<TRouter extends AnyTRPCRouter>(opts: {
  router: TRouter;
  createContext: (opts: { headers: Headers; requestId: string }) => Promise<inferRouterContext<TRouter>>;
  /** Next's after(): emails a mutation enqueued go out right after its response. */
  runAfterResponse?: RunAfterResponse;
}) {
  return async (req: Request): Promise<Response> => {
    const requestId = randomUUID();
    const response = await handle(req, requestId).catch((thrown: unknown) => {
      const error = toAppError(thrown);
      return Response.json(errorBody(error), { status: error.httpStatus, headers: error.headers });
    });
    response.headers.set("x-request-id", requestId);
    opts.runAfterResponse?.(sendEnqueuedNotifications);
    return response;
  };

  async function handle(req: Request, requestId: string) {
    // Every tRPC write is a mutation on the session cookie (there are no public ones), and tRPC
    // would otherwise read a multipart or bodiless POST too.
    const request = req.method === "POST" ? await guardPost(req) : req;
    return fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: request,
      router: opts.router,
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      createContext: () => opts.createContext({ headers: request.headers, requestId }),
      // A refusal that says when to come back (a rate limit, a quota) says it as REST does.
      responseMeta: ({ errors }) => {
        const retryAfter = errors.map((e) => (e.cause instanceof AppError ? e.cause.headers["Retry-After"] : undefined)).find(Boolean);
        return retryAfter ? { headers: { "Retry-After": retryAfter } } : {};
      },
      onError: ({ path, error }) => {
        if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") logger.error("trpc failed", { requestId, path, error: error.cause ?? error });
      },
    });
  }

  async function guardPost(req: Request) {
    requireSameOrigin(req, env.APP_URL);
    requireJsonContentType(req.headers);
    return withBodyCap(req, JSON_BODY_MAX_BYTES);
  }
}
