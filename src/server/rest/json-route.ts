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
      return Response.json(errorBody(error), { status: error.httpStatus, headers: error.headers });
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

/**
 * Reads a request body as UTF-8 text, holding at most `maxBytes` of it.
 * A Content-Length over the cap is refused before a byte is read; without one, or when it lies,
 * the bytes are counted as they arrive and reading stops at the first chunk past the cap. Either
 * way the body is cancelled (nothing more is pulled) and the caller gets a 413.
 */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const tooLarge = async () => {
    await req.body?.cancel().catch(() => undefined); // the client may already be gone; we refuse either way
    return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`, {
      details: { reason: "body_too_large", limitBytes: maxBytes },
    });
  };
  if (Number(req.headers.get("content-length")) > maxBytes) throw await tooLarge();
  if (!req.body) return "";

  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    received += chunk.value.byteLength;
    if (received > maxBytes) {
      reader.releaseLock();
      throw await tooLarge();
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
