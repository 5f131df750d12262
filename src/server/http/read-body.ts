import { AppError } from "~/server/errors";

/**
 * The body cap of a JSON request (REST and tRPC) unless its route names its own. The largest body
 * a valid request needs is a chat message: 8,000 characters of at most 3 UTF-8 bytes each (6 for
 * an escaped control character, which the schema then refuses) is under 50 KB, so a message of
 * any length the schema allows reaches the schema and its clear 400.
 */
export const JSON_BODY_MAX_BYTES = 64 * 1024;

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

/**
 * The same request with its body read under the cap (413 past it), for a handler that reads the
 * body itself (tRPC, Auth.js). The body is carried on as UTF-8 text, so this is for text bodies
 * (JSON, URL-encoded forms) only. A GET or HEAD is passed on as it is.
 */
export async function withBodyCap(req: Request, maxBytes: number): Promise<Request> {
  if (req.method === "GET" || req.method === "HEAD") return req;
  const body = await readBodyText(req, maxBytes);
  return new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
}
