/**
 * A stateful local Stripe for tests and offline development. The official `stripe` SDK drives
 * it unchanged: `new Stripe(key, { host, port, protocol: "http" })`. It speaks Stripe's wire
 * format (form-encoded nested params, `expand[]`, Idempotency-Key, Bearer auth, Stripe's error
 * and list shapes).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import qs from "qs";
import { cardBehavior, cardDeclined } from "./cards";
import { StandInControl } from "./control";
import { StripeApiError } from "./errors";
import { EventBus, type DeliveryOptions } from "./events";
import { checkoutPage, invoicePage, portalPage } from "./hosted-pages";
import { invoicePdf } from "./invoice-pdf";
import { persistState, type IdempotentReply } from "./persistence";
import { billingRoutes, payOpenInvoice, portalActions } from "./resources/billing";
import { checkoutRoutes, completeCheckout } from "./resources/checkout";
import { catalogRoutes } from "./resources/catalog";
import { customerRoutes } from "./resources/customers";
import { paymentMethodRoutes } from "./resources/payment-methods";
import { attachPaymentMethod, createCardPaymentMethod } from "./resources/payment-methods";
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

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
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
      const hosted = /^\/checkout\/([^/]+)(\/cancel)?$/.exec(new URL(req.url ?? "/", "http://stand-in").pathname);
      if (hosted) return await hostedCheckout(req, res, hosted[1]!, Boolean(hosted[2]));
      const portal = /^\/portal\/([^/]+)(?:\/(cancel|switch))?$/.exec(new URL(req.url ?? "/", "http://stand-in").pathname);
      if (portal) return await hostedPortal(req, res, portal[1]!, portal[2]);
      const invoice = /^\/invoice\/([^/]+)(\/pdf)?$/.exec(new URL(req.url ?? "/", "http://stand-in").pathname);
      if (invoice) return await hostedInvoice(req, res, invoice[1]!, Boolean(invoice[2]));
      const auth = req.headers.authorization ?? "";
      if (auth !== `Bearer ${opts.secretKey}`) {
        throw new StripeApiError(401, "authentication_error", "Invalid API Key provided.");
      }
      const url = new URL(req.url ?? "/", "http://stand-in");
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

  /** The browser side of Checkout: no API key, HTML in and out. */
  async function hostedCheckout(req: IncomingMessage, res: ServerResponse, id: string, cancel: boolean) {
    const html = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(body);
    };
    const session = store.table("checkout.session").get(id);
    if (!session) return html(404, "<h1>No such Checkout Session</h1>");
    if (cancel) {
      res.writeHead(303, { location: (session.cancel_url as string | null) ?? "/" });
      return res.end();
    }
    if (req.method !== "POST") return html(200, checkoutPage(store, session));
    const form = qs.parse(await readBody(req)) as Record<string, unknown>;
    try {
      const location = completeCheckout(store, (type, object, previous) => void bus.emit(type, object, { previous }), session, form);
      res.writeHead(303, { location });
      res.end();
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      html(error.status, checkoutPage(store, session, error.message));
    }
  }

  /** The hosted invoice page and its PDF: no API key, as Stripe's links need none. */
  async function hostedInvoice(req: IncomingMessage, res: ServerResponse, id: string, pdf: boolean) {
    const invoice = store.table("invoice").get(id);
    if (!invoice || invoice.status === "draft") {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("<h1>No such invoice</h1>");
      return;
    }
    if (pdf) {
      const body = await invoicePdf(invoice);
      res.writeHead(200, { "content-type": "application/pdf", "content-disposition": `inline; filename="Invoice-${String(invoice.number)}.pdf"` }).end(body);
      return;
    }
    res.setHeader("content-type", "text/html; charset=utf-8");
    if (req.method !== "POST") {
      res.writeHead(200).end(invoicePage(invoice));
      return;
    }
    const form = qs.parse(await readBody(req)) as Record<string, string>;
    const emit = (type: string, object: StripeObject, previous?: Record<string, unknown>) => void bus.emit(type, object, { previous });
    try {
      const number = (form.cardNumber ?? "").replace(/\s/g, "");
      const [month, year] = (form.cardExpiry ?? "").split("/").map((part) => Number(part.trim()));
      if (cardBehavior(number) === "declined") throw cardDeclined(number);
      const pm = createCardPaymentMethod(store, number, { card: { exp_month: String(month ?? 12), exp_year: String(2000 + ((year ?? 30) % 100)) } });
      attachPaymentMethod(store, pm, invoice.customer as string);
      emit("payment_method.attached", pm);
      payOpenInvoice(store, emit, invoice, pm.id);
      res.writeHead(200).end(invoicePage(invoice, { ok: "Payment received. Thank you!" }));
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      res.writeHead(error.status).end(invoicePage(invoice, { error: error.message }));
    }
  }

  /** The browser side of the billing portal: no API key, HTML in and out. */
  async function hostedPortal(req: IncomingMessage, res: ServerResponse, id: string, action?: string) {
    const session = store.table("billing_portal.session").get(id);
    res.setHeader("content-type", "text/html; charset=utf-8");
    if (!session) {
      res.writeHead(404).end("<h1>No such portal session</h1>");
      return;
    }
    if (req.method !== "POST" || !action) {
      res.writeHead(200).end(portalPage(store, session));
      return;
    }
    const form = qs.parse(await readBody(req)) as Record<string, string>;
    const sub = store.table("subscription").get(form.subscription ?? "");
    if (!sub || sub.customer !== session.customer) {
      res.writeHead(404).end(portalPage(store, session, "No such subscription."));
      return;
    }
    const emit = (type: string, object: StripeObject, previous?: Record<string, unknown>) => void bus.emit(type, object, { previous });
    if (action === "cancel") portalActions.cancelAtPeriodEnd(store, emit, sub);
    else portalActions.switchPrice(store, emit, sub, form.price ?? "");
    res.writeHead(200).end(portalPage(store, session, action === "cancel" ? "Your plan will be canceled at the end of the period." : "Your plan was updated."));
  }

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
