import type { z } from "zod";
import { AppError, errorBody, toAppError } from "~/server/errors";
import { logger } from "~/server/logger";

/** Adapts a domain handler to a Route Handler: AppError → its status, anything else → 500. */
export function jsonRoute<Args extends unknown[]>(handler: (req: Request, ...args: Args) => Promise<Response>) {
  return async (req: Request, ...args: Args): Promise<Response> => {
    try {
      return await handler(req, ...args);
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.httpStatus >= 500) {
        logger.error("route failed", { path: new URL(req.url).pathname, error: thrown });
      }
      return Response.json(errorBody(error), { status: error.httpStatus });
    }
  };
}

/** Parses a JSON body with a zod schema; a body that is not JSON or does not fit is a 400. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON.", { title: "Invalid input" });
  }
  return schema.parse(raw);
}
