import type { IncomingMessage } from "node:http";

/** A request's whole body as UTF-8 text. */
export async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
