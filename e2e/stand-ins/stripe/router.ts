import type { Store } from "./store";

export interface RouteContext {
  store: Store;
  params: Record<string, unknown>;
  match: RegExpExecArray;
}

export type Route = [method: string, path: RegExp, handler: (ctx: RouteContext) => unknown];
