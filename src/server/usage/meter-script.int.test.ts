import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { METER_SCRIPT, meterReply } from "~/server/usage/meter-script";
import { storesUnderTest } from "~/test/stores";

const stores = storesUnderTest();

const TTL = "3888000";

describe.each(Object.keys(stores))("the meter script on %s", (name) => {
  it("asks for a seed and a limit, refuses past the limit without recording, counts a marked call once", async () => {
    const store = stores[name]!();
    const base = `usage:org:test-${randomUUID()}:metric:gemini_tokens:2026-03`;
    const keys = [base, `${base}:daily`, `${base}:limit`];
    const run = async (amount: number, opts: { seed?: string; enforce?: boolean; limit?: string; marker?: string } = {}) =>
      meterReply(
        await store.run(METER_SCRIPT, opts.marker ? [...keys, opts.marker] : keys, [
          String(amount),
          "07",
          TTL,
          opts.seed ?? "",
          opts.enforce === false ? "0" : "1",
          opts.limit ?? "",
          "3600",
        ]),
      );

    expect(await run(3)).toEqual({ kind: "seed" });
    expect(await run(3, { seed: "5" })).toEqual({ kind: "limit", current: 5 });
    expect(await run(3, { limit: "10" })).toEqual({ kind: "ok", current: 8, limit: 10, limitType: "plan" });
    expect(await run(3, { limit: "10" })).toEqual({ kind: "refused", current: 8, limit: 10, limitType: "plan" });
    // A budget ("b" suffix) is enforced the same, and the reply names it.
    expect(await run(3, { limit: "10b" })).toEqual({ kind: "refused", current: 8, limit: 10, limitType: "budget" });
    // Recording without enforcing, with no limit given or cached: -2, "not known" (not -1, "none").
    expect(await run(0, { enforce: false })).toEqual({ kind: "ok", current: 8, limit: -2, limitType: "plan" });
    await store.set(keys[2]!, "10b", 60);
    expect(await run(3)).toEqual({ kind: "refused", current: 8, limit: 10, limitType: "budget" });
    expect(await run(0)).toEqual({ kind: "ok", current: 8, limit: 10, limitType: "budget" });
    await store.set(keys[2]!, "10", 60);
    expect(await run(2)).toEqual({ kind: "ok", current: 10, limit: 10, limitType: "plan" });
    expect(await run(1)).toEqual({ kind: "refused", current: 10, limit: 10, limitType: "plan" });
    expect(await run(-4, { enforce: false })).toEqual({ kind: "ok", current: 6, limit: 10, limitType: "plan" });
    expect(await run(50, { limit: "-1" })).toEqual({ kind: "ok", current: 56, limit: -1, limitType: "plan" });
    const marker = `usage:op:test-${randomUUID()}`;
    expect(await run(1, { enforce: false, marker })).toEqual({ kind: "ok", current: 57, limit: 10, limitType: "plan" });
    expect(await run(1, { enforce: false, marker })).toEqual({ kind: "dup", current: 57 });
    expect(await store.get(base)).toBe("57");
    expect(await store.hgetall(`${base}:daily`)).toEqual({ "07": "52" });
    await Promise.all([base, `${base}:daily`, keys[2]!, marker].map((k) => store.del(k)));
  });
});
