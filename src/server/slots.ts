/**
 * A bounded semaphore: at most `limit()` holders at once and at most `maxWaiting()` waiting for a
 * slot. `acquire` resolves to a release function, or to null when the wait queue is full (the
 * caller skips the work rather than piling it up). Limits are read on each call, so tests and
 * config changes apply at once.
 */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: () => number,
    private readonly maxWaiting: () => number,
  ) {}

  async acquire(): Promise<(() => void) | null> {
    if (this.active >= this.limit()) {
      if (this.waiting.length >= this.maxWaiting()) return null;
      // The releasing holder hands its slot straight over: `active` stays counted for us.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
