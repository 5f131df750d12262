import { randomBytes } from "node:crypto";
import type { Endpoint } from "../events";
import type { Route } from "../router";
import type { StripeObject } from "../store";
import { matching, mergeMetadata, requireStr, str } from "./params";

/** Where the event bus sends a `webhook_endpoint` object's events. */
export const endpointOf = (endpoint: StripeObject): Endpoint => ({
  id: endpoint.id,
  url: endpoint.url as string,
  secret: endpoint.secret as string,
  enabledEvents: endpoint.enabled_events as string[],
});

export const webhookRoutes: Route[] = [
  [
    "POST",
    /^\/v1\/webhook_endpoints$/,
    ({ store, params, bus }) => {
      const enabled = Array.isArray(params.enabled_events) ? (params.enabled_events as string[]) : ["*"];
      const endpoint = store.insert("webhook_endpoint", {
        id: store.id("we"),
        object: "webhook_endpoint",
        api_version: str(params, "api_version") ?? null,
        application: null,
        created: store.now(),
        description: str(params, "description") ?? null,
        enabled_events: enabled,
        livemode: false,
        metadata: mergeMetadata({}, params.metadata),
        secret: `whsec_${randomBytes(24).toString("hex")}`,
        status: "enabled",
        url: requireStr(params, "url"),
      });
      bus.endpoints.push(endpointOf(endpoint));
      return endpoint;
    },
  ],
  ["GET", /^\/v1\/webhook_endpoints$/, ({ store, params }) => store.list("webhook_endpoint", params, (o) => !o.deleted)],
  [
    "DELETE",
    /^\/v1\/webhook_endpoints\/([^/]+)$/,
    ({ store, match, bus }) => {
      const endpoint = store.get("webhook_endpoint", match[1]!);
      endpoint.deleted = true;
      const at = bus.endpoints.findIndex((e) => e.id === endpoint.id);
      if (at >= 0) bus.endpoints.splice(at, 1);
      return { id: endpoint.id, object: "webhook_endpoint", deleted: true };
    },
  ],
  ["GET", /^\/v1\/events\/([^/]+)$/, ({ store, match }) => store.get("event", match[1]!)],
  [
    "GET",
    /^\/v1\/events$/,
    ({ store, params }) => {
      // Stripe keeps events for 30 days.
      const since = store.now() - 30 * 24 * 3600;
      const types = Array.isArray(params.types) ? (params.types as string[]) : undefined;
      return store.list(
        "event",
        params,
        (o) => o.created >= since && matching(params, ["type"])(o) && (!types || types.includes(o.type as string)),
      );
    },
  ],
];
