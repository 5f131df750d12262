/**
 * The stand-in's test controls, none of which Stripe has: injected faults, a per-call latency,
 * and a log of the API calls it answered, so a test or a benchmark can count what its caller
 * asked of Stripe. Reached in process through `StripeStandIn.control`, or over HTTP (with the
 * secret key, like any API call) at `/__stand-in/…`:
 *   POST /__stand-in/faults    {"method":"GET","path":"/v1/invoices","count":1}
 *   POST /__stand-in/latency   {"ms":20000}          (0 turns it off)
 *   GET  /__stand-in/requests  → {"total":N,"byRoute":{"GET /v1/customers/:id":n,…}}
 *   POST /__stand-in/requests/reset
 */
import { StripeApiError } from "./errors";

export interface Fault {
  method?: string;
  /** A prefix of the path and query, e.g. "/v1/invoices?customer=cus_123". */
  path: string;
  remaining: number;
}

export interface LoggedRequest {
  method: string;
  /** The path with ids replaced by `:id`, so calls group by route. */
  route: string;
  at: number;
}

/** `/v1/customers/cus_123/payment_methods` → `/v1/customers/:id/payment_methods` (an id has a digit or capital). */
export const routeOf = (path: string) => path.replace(/\/(?:[a-z]+_)+[A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*(?=\/|$)/g, "/:id");

export class StandInControl {
  readonly faults: Fault[] = [];
  readonly requests: LoggedRequest[] = [];
  /** Milliseconds every API call waits before it is handled. */
  latencyMs = 0;

  addFault(fault: { method?: string; path: string; count?: number }) {
    this.faults.push({ method: fault.method?.toUpperCase(), path: fault.path, remaining: fault.count ?? 1 });
    return this.faults.length;
  }

  /** Throws the injected error if a fault matches this call, consuming it. */
  checkFault(method: string, url: string) {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.method || f.method === method) && url.startsWith(f.path));
    if (!fault) return false;
    fault.remaining--;
    return true;
  }

  log(method: string, path: string) {
    this.requests.push({ method, route: routeOf(path), at: Date.now() });
  }

  /** Calls answered so far (since the last reset), in total and per route. */
  counts() {
    const byRoute: Record<string, number> = {};
    for (const r of this.requests) byRoute[`${r.method} ${r.route}`] = (byRoute[`${r.method} ${r.route}`] ?? 0) + 1;
    return { total: this.requests.length, byRoute };
  }

  resetRequests() {
    this.requests.length = 0;
  }

  async delay() {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }

  /** Answers a `/__stand-in/…` request, or returns undefined when the path is not one. */
  handle(method: string, path: string, body: string): unknown {
    const input = () => JSON.parse(body || "{}") as Record<string, unknown>;
    if (method === "POST" && path === "/__stand-in/faults") return { faults: this.addFault(input() as { path: string }) };
    if (method === "POST" && path === "/__stand-in/latency") {
      const ms = Number(input().ms ?? 0);
      if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new StripeApiError(400, "invalid_request_error", "ms must be 0–600000.");
      this.latencyMs = ms;
      return { latencyMs: ms };
    }
    if (method === "GET" && path === "/__stand-in/requests") return this.counts();
    if (method === "POST" && path === "/__stand-in/requests/reset") {
      this.resetRequests();
      return { total: 0 };
    }
    return undefined;
  }
}
