/** Runs a task after the response has been sent: Next's `after()`, handed in by the route file so `src/server` imports nothing from `next/*`. */
export type RunAfterResponse = (task: () => Promise<unknown>) => void;
