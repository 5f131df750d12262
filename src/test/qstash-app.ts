/**
 * The job routes as QStash reaches them in production. QStash calls the public APP_URL
 * (https://billing.vantflow.test), which a proxy forwards to the app; the app listens on another
 * host and port (127.0.0.1, an ephemeral port) and, like `next start`, builds each Request's URL
 * from its own address, whatever host the caller named. The test file gets a QStash stand-in of
 * its own (same keys as the run's), whose deliveries to the public URL take that route. Its clock
 * is the real one, but cron never fires by itself: tests fire schedules with `fireSchedule()`.
 *
 * It sets APP_URL and QSTASH_URL, so it must run before ~/env is first imported:
 * `const app = await vi.hoisted(async () => (await import("~/test/qstash-app")).startQStashApp());`
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@upstash/qstash";
import { inject } from "vitest";
import { startQStashStandIn } from "../../e2e/stand-ins/qstash/server";

export const PUBLIC_APP_URL = "https://billing.vantflow.test";

type Handler = (req: Request) => Promise<Response>;

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function headersOf(req: IncomingMessage) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

export async function startQStashApp() {
  const routes = new Map<string, Handler>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", origin);
      const body = await readBody(req);
      const handler = routes.get(url.pathname);
      if (!handler) return void res.writeHead(404).end();
      const response = await handler(
        new Request(url, { method: req.method, headers: headersOf(req), body: req.method === "GET" || req.method === "HEAD" ? undefined : body }),
      );
      res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "text/plain" }).end(await response.text());
    })().catch((error: unknown) => res.writeHead(599).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const keys = inject("qstash");
  const standIn = await startQStashStandIn({
    token: keys.token,
    currentSigningKey: keys.currentSigningKey,
    nextSigningKey: keys.nextSigningKey,
    retryBaseMs: 1,
    autoRun: false,
    // The proxy in front of the app: the public origin is served by the local server.
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return fetch(url.origin === PUBLIC_APP_URL ? new URL(`${url.pathname}${url.search}`, origin) : url, init);
    },
  });
  process.env.APP_URL = PUBLIC_APP_URL;
  process.env.QSTASH_URL = standIn.url;

  return {
    standIn,
    /** The official SDK, pointed at this file's stand-in. */
    client: new Client({ token: keys.token, baseUrl: standIn.url }),
    /** Where the app really listens (what `req.url` shows), unlike the public APP_URL. */
    origin,
    serve(path: string, handler: Handler) {
      routes.set(path, handler);
    },
    async close() {
      await standIn.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
