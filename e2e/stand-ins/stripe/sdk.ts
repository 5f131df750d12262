import Stripe from "stripe";
import { stripeConnection } from "../../../src/server/clients/stripe-connection";

/** The official SDK pointed at a stand-in exactly as the app points it (no network retries: tests stay deterministic). */
export const sdkFor = (url: string, secretKey: string) => new Stripe(secretKey, { ...stripeConnection(url), maxNetworkRetries: 0 });
