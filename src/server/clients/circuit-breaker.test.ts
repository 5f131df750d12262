import { describe, expect, it } from "vitest";
import { withCircuitBreaker } from "./circuit-breaker";
import { memoryStore, type KeyValueStore } from "./key-value-store";

/** The in-process store whose `get` fails as told: like Redis timing out, or answering an error. */
function flaky() {
  const inner = memoryStore();
  const state = { fail: null as Error | null, calls: 0 };
  const store: KeyValueStore = {
    ...inner,
    async get(key) {
      state.calls++;
      if (state.fail) throw state.fail;
      return inner.get(key);
    },
  };
  return { store, state };
}

describe("the counter store's circuit breaker", () => {
  it("after a timeout fails every call at once for the window, then tries Redis again", async () => {
    let now = 0;
    const { store, state } = flaky();
    const guarded = withCircuitBreaker(store, 5_000, () => now);
    state.fail = new Error("Command timed out");
    await expect(guarded.get("k")).rejects.toThrow("Command timed out");
    state.fail = null;
    await expect(guarded.get("k")).rejects.toThrow("circuit open");
    await expect(guarded.set("k", "v")).rejects.toThrow("circuit open");
    expect(state.calls).toBe(1);
    now += 5_000;
    expect(await guarded.get("k")).toBeNull();
    expect(state.calls).toBe(2);
  });

  it("a Redis error reply is an answer: the circuit stays closed", async () => {
    const { store, state } = flaky();
    const guarded = withCircuitBreaker(store, 5_000, () => 0);
    state.fail = Object.assign(new Error("ERR value is not an integer or out of range"), { name: "ReplyError" });
    await expect(guarded.get("k")).rejects.toThrow("ERR value");
    state.fail = null;
    expect(await guarded.get("k")).toBeNull();
  });
});
