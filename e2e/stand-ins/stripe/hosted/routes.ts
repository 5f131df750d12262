import { handleHostedCheckout } from "./checkout";
import type { HostedHandler } from "./context";
import { handleHostedInvoice } from "./invoice";
import { handleHostedPortal } from "./portal";

/** The pages a browser opens (Checkout, billing portal, invoice): HTML, no API key. */
export const hostedRoutes: [path: RegExp, handler: HostedHandler][] = [
  [/^\/checkout\/([^/]+)(\/cancel)?$/, handleHostedCheckout],
  [/^\/portal\/([^/]+)(?:\/(cancel|switch))?$/, handleHostedPortal],
  [/^\/invoice\/([^/]+)(\/pdf)?$/, handleHostedInvoice],
];
