"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server's HTML and during hydration, true once React runs the component in the
 * browser. A control whose change handler is React's stays disabled until then: a click that lands
 * before hydration would toggle the native input and be reverted, never reaching the handler.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
