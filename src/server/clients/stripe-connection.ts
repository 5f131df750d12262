import type Stripe from "stripe";

/** The SDK's options for an API base URL: Stripe itself by default, the local stand-in when set. */
export function stripeConnection(apiBase: string | undefined): Stripe.StripeConfig {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === "https:" ? "https" : "http";
  return { host: url.hostname, port: Number(url.port || (protocol === "https" ? 443 : 80)), protocol };
}
