import { describe, expect, it } from "vitest";
import { memoryStore } from "./key-value-store";

describe("in-process store", () => {
  it("counts, keeps the first TTL, and forgets expired keys", async () => {
    let now = 1_000_000;
    const store = memoryStore(() => now);
    expect(await store.incrWithTtl("k", 2, 10)).toBe(2);
    now += 5_000;
    expect(await store.incrWithTtl("k", 3, 10)).toBe(5);
    now += 5_001; // 10 s after the first increment: the TTL was not extended by the second
    expect(await store.get("k")).toBeNull();
    expect(await store.incrWithTtl("k", 1, 10)).toBe(1);
    await store.del("k");
    expect(await store.get("k")).toBeNull();
  });
});
