import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store, StripeObject } from "../store";

/** What a hosted page's handler works with: the state and the event emitter, no API key. */
export interface HostedContext {
  store: Store;
  emit(type: string, object: StripeObject, previous?: Record<string, unknown>): void;
}

/** Answers the browser request whose path matched `match`. */
export type HostedHandler = (ctx: HostedContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void>;
