import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { AppError, errorBody, toAppError } from "~/server/errors";
import { JSON_BODY_MAX_BYTES, readBodyText } from "~/server/http/read-body";
import { requireJsonContentType } from "~/server/http/request-guards";
import { logger } from "~/server/logger";

/**
 * Adapts a domain handler to a Route Handler: AppError → its status, anything else → 500. A 5xx
 * is logged with a new request id, which the body and the X-Request-Id header repeat so a report
 * can be matched to the log line; the client never sees the cause.
 */
export function jsonRoute<Args extends unknown[]>(handler: (req: Request, ...args: Args) => Promise<Response>) {
  return async (req: Request, ...args: Args): Promise<Response> => {
    try {
      return await handler(req, ...args);
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.httpStatus < 500) return Response.json(errorBody(error), { status: error.httpStatus, headers: error.headers });
      const requestId = randomUUID();
      logger.error("route failed", { requestId, path: new URL(req.url).pathname, error: thrown });
      return Response.json(
        { ...errorBody(error), requestId },
        { status: error.httpStatus, headers: { ...error.headers, "x-request-id": requestId } },
      );
    }
  };
}

/**
 * Parses a JSON body with a zod schema: another content type is a 415, a body over `maxBytes` a
 * 413, one that is not JSON or does not fit the schema a 400.
 */
export async function readJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  { maxBytes = JSON_BODY_MAX_BYTES }: { maxBytes?: number } = {},
): Promise<z.infer<S>> {
  requireJsonContentType(req.headers);
  const text = await readBodyText(req, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON.", { title: "Invalid input" });
  }
  return schema.parse(raw);
}
