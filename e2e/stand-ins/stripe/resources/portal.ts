import type { Route } from "../router";
import { mergeMetadata, requireStr, str } from "./params";

export const portalRoutes: Route[] = [
  [
    "POST",
    /^\/v1\/billing_portal\/sessions$/,
    ({ store, params }) => {
      const customer = requireStr(params, "customer");
      store.get("customer", customer, "customer");
      const id = store.id("bps");
      return store.insert("billing_portal.session", {
        id,
        object: "billing_portal.session",
        configuration: str(params, "configuration") ?? "bpc_standin_default",
        created: store.now(),
        customer,
        customer_account: null,
        flow: null,
        livemode: false,
        locale: str(params, "locale") ?? null,
        metadata: mergeMetadata({}, params.metadata),
        on_behalf_of: null,
        return_url: str(params, "return_url") ?? null,
        url: `${store.baseUrl}/portal/${id}`,
      });
    },
  ],
];
