import { describe, expect, it } from "vitest";
import { Slots } from "~/server/slots";

describe("Slots", () => {
  it("holds at most the limit, queues at most maxWaiting, refuses past that, and hands a released slot to the oldest waiter", async () => {
    const slots = new Slots(() => 2, () => 1);
    const a = await slots.acquire();
    const b = await slots.acquire();
    let third: (() => void) | null | undefined;
    const waiting = slots.acquire().then((release) => (third = release));
    expect(await slots.acquire()).toBeNull(); // the wait queue is full
    await Promise.resolve();
    expect(third).toBeUndefined();
    a!();
    a!(); // a second release of the same slot changes nothing
    await waiting;
    expect(third).toBeTypeOf("function");
    // Two held (b and third): a newcomer waits again rather than taking a third slot.
    let fourth: (() => void) | null | undefined;
    const queued = slots.acquire().then((release) => (fourth = release));
    await Promise.resolve();
    expect(fourth).toBeUndefined();
    b!();
    await queued;
    third!();
    fourth!();
    // All released: both slots are free again.
    expect(await Promise.all([slots.acquire(), slots.acquire()])).toEqual([expect.any(Function), expect.any(Function)]);
  });

  it("100 concurrent holders never exceed the limit", async () => {
    const slots = new Slots(() => 3, () => 1000);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        const release = await slots.acquire();
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        release!();
      }),
    );
    expect(most).toBe(3);
  });
});
