/**
 * A stateful local Stripe for tests and offline development. The official `stripe` SDK drives
 * it unchanged: `new Stripe(key, { host, port, protocol: "http" })`. It speaks Stripe's wire
 * format (form-encoded nested params, `expand[]`, Idempotency-Key, Bearer auth, Stripe's error
 * and list shapes).
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import qs from "qs";
import { StandInControl } from "./control";
import { StripeApiError } from "./errors";
import { EventBus, type DeliveryOptions } from "./events";
import type { HostedContext } from "./hosted/context";
import { hostedRoutes } from "./hosted/routes";
import { persistState, type IdempotentReply } from "./persistence";
import { readBody } from "./read-body";
import { billingRoutes } from "./resources/billing";
import { checkoutRoutes } from "./resources/checkout";
import { catalogRoutes } from "./resources/catalog";
import { customerRoutes } from "./resources/customers";
import { paymentMethodRoutes } from "./resources/payment-methods";
import { portalRoutes } from "./resources/portal";
import { scheduleRoutes } from "./resources/schedules";
import { webhookRoutes } from "./resources/webhooks";
import type { Route } from "./router";
import { Store, type StandInSettings, type StripeObject } from "./store";

const routes: Route[] = [...catalogRoutes, ...customerRoutes, ...paymentMethodRoutes, ...billingRoutes, ...scheduleRoutes, ...checkoutRoutes, ...portalRoutes, ...webhookRoutes];

const PREFIX_KIND: Record<string, string> = {
  cus: "customer",
  prod: "product",
  price: "price",
  pm: "payment_method",
  pi: "payment_intent",
  in: "invoice",
  sub: "subscription",
  sub_sched: "subscription_schedule",
  si: "subscription_item",
  cs: "checkout.session",
  clock: "test_helpers.test_clock",
};

/** Replaces the id at each dotted `expand` path with the object it names. */
function expand(store: Store, value: unknown, paths: string[]): unknown {
  if (!paths.length || !value || typeof value !== "object") return value;
  if ((value as { object?: string }).object === "list") {
    const list = value as { data: unknown[] };
    const inner = paths.filter((p) => p.startsWith("data.")).map((p) => p.slice(5));
    return { ...list, data: list.data.map((item) => expand(store, item, inner)) };
  }
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const byHead = new Map<string, string[]>();
  for (const path of paths) {
    const [head, ...rest] = path.split(".");
    if (!head) continue;
    byHead.set(head, [...(byHead.get(head) ?? []), ...(rest.length ? [rest.join(".")] : [])]);
  }
  for (const [head, rest] of byHead) {
    let field = out[head];
    if (typeof field === "string") {
      // The longest known prefix wins: `sub_sched_…` is a schedule, `sub_…` a subscription.
      const parts = field.split("_");
      const kind = PREFIX_KIND[parts.slice(0, 2).join("_")] ?? PREFIX_KIND[parts[0] ?? ""];
      if (kind) field = store.get(kind, field, "expand");
    }
    out[head] = expand(store, field, rest);
  }
  return out;
}

export interface StripeStandIn {
  url: string;
  port: number;
  store: Store;
  bus: EventBus;
  /** Faults, latency and the request log (control.ts). */
  control: StandInControl;
  close(): Promise<void>;
}

export async function startStripeStandIn(opts: {
  secretKey: string;
  port?: number;
  host?: string;
  delivery?: DeliveryOptions;
  /** Endpoints configured without the API, e.g. the app's webhook route in development. */
  webhooks?: { url: string; secret: string; events?: string[] }[];
  /** Dashboard-only account settings, e.g. what happens after the last failed retry. */
  settings?: Partial<StandInSettings>;
  /** A JSON file that keeps the state across restarts (persistence.ts); without it, memory only. */
  statePath?: string;
}): Promise<StripeStandIn> {
  const store = new Store();
  Object.assign(store.settings, { livemode: opts.secretKey.startsWith("sk_live_") }, opts.settings);
  const bus = new EventBus(store, opts.delivery);
  opts.webhooks?.forEach((w, i) => bus.endpoints.push({ id: `we_env_${i}`, url: w.url, secret: w.secret, enabledEvents: w.events ?? ["*"] }));
  const idempotent = new Map<string, IdempotentReply>();
  const control = new StandInControl();
  const persisted = opts.statePath ? persistState(opts.statePath, { store, bus, idempotent }) : null;
  const hosted: HostedContext = { store, emit: (type, object, previous) => void bus.emit(type, object, { previous }) };

  const server: Server = createServer(async (req, res) => {
    // Whatever may have changed state is on disk once its answer has gone out.
    if (persisted && req.method !== "GET") res.once("finish", () => persisted.save());
    const requestId = store.id("req");
    const send = (status: number, body: unknown, raw?: string) => {
      const text = raw ?? JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "request-id": requestId });
      res.end(text);
    };
    try {
      const url = new URL(req.url ?? "/", "http://stand-in");
      for (const [pattern, handle] of hostedRoutes) {
        const match = pattern.exec(url.pathname);
        if (match) return await handle(hosted, req, res, match);
      }
      const auth = req.headers.authorization ?? "";
      if (auth !== `Bearer ${opts.secretKey}`) {
        throw new StripeApiError(401, "authentication_error", "Invalid API Key provided.");
      }
      const method = req.method ?? "GET";
      const body = await readBody(req);
      if (url.pathname.startsWith("/__stand-in/")) {
        const answer = control.handle(method, url.pathname, body);
        if (answer === undefined) throw new StripeApiError(404, "invalid_request_error", `Unrecognized stand-in control (${method}: ${url.pathname}).`);
        return send(200, answer);
      }
      control.log(method, url.pathname);
      await control.delay();
      if (control.checkFault(method, req.url ?? "/")) {
        // As Stripe does for errors a retry cannot fix, tell the SDK not to retry.
        res.setHeader("stripe-should-retry", "false");
        throw new StripeApiError(500, "api_error", "An injected stand-in fault: Stripe is having trouble.");
      }
      const raw = method === "GET" || method === "DELETE" ? url.search.slice(1) : body;
      const params = qs.parse(raw, { arrayLimit: 1000, depth: 10 }) as Record<string, unknown>;

      const key = req.headers["idempotency-key"];
      const idemKey = typeof key === "string" && method === "POST" ? `${url.pathname}:${key}` : null;
      const fingerprint = createHash("sha256").update(`${method} ${url.pathname} ${raw}`).digest("hex");
      if (idemKey) {
        const seen = idempotent.get(idemKey);
        if (seen && seen.fingerprint !== fingerprint) {
          throw new StripeApiError(
            400,
            "idempotency_error",
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          );
        }
        if (seen) {
          res.setHeader("idempotent-replayed", "true");
          return send(seen.status, null, seen.body);
        }
      }

      for (const [m, pattern, handler] of routes) {
        if (m !== method) continue;
        const match = pattern.exec(url.pathname);
        if (!match) continue;
        const request = { id: requestId, idempotency_key: typeof key === "string" ? key : null };
        const emit = (type: string, object: StripeObject, previous?: Record<string, unknown>) =>
          void bus.emit(type, object, { previous, request });
        const result = handler({ store, params, match, bus, emit }) as StripeObject;
        const paths = Array.isArray(params.expand) ? (params.expand as string[]) : [];
        const text = JSON.stringify(expand(store, result, paths));
        if (idemKey) idempotent.set(idemKey, { fingerprint, status: 200, body: text });
        return send(200, null, text);
      }
      throw new StripeApiError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${url.pathname}).`);
    } catch (error) {
      const e =
        error instanceof StripeApiError
          ? error
          : new StripeApiError(500, "api_error", error instanceof Error ? error.message : "Internal error");
      send(e.status, e.toBody());
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  store.baseUrl = `http://127.0.0.1:${port}`;
  persisted?.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    bus,
    control,
    close: () => {
      persisted?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections (the SDK's) would hold the port open for seconds.
      server.closeIdleConnections();
      return closed;
    },
  };
}
