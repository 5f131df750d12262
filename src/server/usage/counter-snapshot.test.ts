import { describe, expect, it } from "vitest";
import { memoryStore } from "~/server/clients/key-value-store";
import { MAX_SNAPSHOT_KEYS, readCounters, rowsOf, selectCounters } from "~/server/usage/counter-snapshot";
import { dailyKey, usageKey } from "~/server/usage/keys";

describe("selectCounters", () => {
  it("keeps the counters of the given months, and counts malformed keys and other months apart", () => {
    const keys = [
      usageKey("org_a", "gemini_tokens", "2027-01"),
      usageKey("org_a", "gemini_tokens", "2026-12"),
      usageKey("org_a", "gemini_tokens", "2026-11"),
      "usage:org:org_a:metric:gemini:tokens:2027-01",
      dailyKey("org_a", "gemini_tokens", "2027-01"),
    ];
    expect(selectCounters(keys, ["2027-01", "2026-12"])).toEqual({
      counters: [
        { key: keys[0], organizationId: "org_a", metric: "gemini_tokens", period: "2027-01" },
        { key: keys[1], organizationId: "org_a", metric: "gemini_tokens", period: "2026-12" },
      ],
      malformed: 2,
      outsideWindow: 1,
    });
  });
});

describe("rowsOf", () => {
  const counter = (organizationId: string) => ({ key: usageKey(organizationId, "m", "2027-01"), organizationId, metric: "m", period: "2027-01" });

  it("turns counts into rows, leaves out keys gone since the SCAN, and reports values that are not counts", () => {
    const counters = ["a", "b", "c", "d", "e", "f", "g"].map(counter);
    const values = ["0", "123456789012345678", null, "12abc", "-3", "1e5", "1234567890123456789"];
    expect(rowsOf(counters, values)).toEqual({
      rows: [
        { organizationId: "a", metric: "m", period: "2027-01", quantity: "0" },
        { organizationId: "b", metric: "m", period: "2027-01", quantity: "123456789012345678" },
      ],
      invalid: [counters[3]!.key, counters[4]!.key, counters[5]!.key, counters[6]!.key],
    });
  });
});

describe("readCounters (in-process store)", () => {
  it("reads the values in key order, nil for a missing key, with the instant they were read", async () => {
    const store = memoryStore();
    await store.set("k1", "5");
    await store.set("k3", "7");
    const before = Date.now();
    const snapshot = await readCounters(store, ["k1", "k2", "k3"]);
    const after = Date.now();
    expect(snapshot.values).toEqual(["5", null, "7"]);
    expect(snapshot.readAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(snapshot.readAt.getTime()).toBeLessThanOrEqual(after);
  });

  it("refuses an empty batch or one past what one script call can unpack", async () => {
    const store = memoryStore();
    await expect(readCounters(store, [])).rejects.toThrow(RangeError);
    await expect(readCounters(store, Array.from({ length: MAX_SNAPSHOT_KEYS + 1 }, (_, i) => `k${i}`))).rejects.toThrow(RangeError);
  });
});
