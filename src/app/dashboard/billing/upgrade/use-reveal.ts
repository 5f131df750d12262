"use client";

import { useEffect, useRef } from "react";

/**
 * A panel opened by a button far above it (the plan cards stack on a phone): on mount it is
 * scrolled to the top of the viewport and its heading takes the focus, so the reader sees that the
 * click did something and a screen reader announces where they are. The heading needs tabIndex -1.
 */
export function useReveal<P extends HTMLElement, H extends HTMLElement>() {
  const panel = useRef<P>(null);
  const heading = useRef<H>(null);
  useEffect(() => {
    panel.current?.scrollIntoView({ block: "start" });
    heading.current?.focus({ preventScroll: true });
  }, []);
  return { panel, heading };
}
