import { describe, expect, it } from "vitest";
import { redactForLog } from "./logger";

describe("log redaction", () => {
  it("replaces secret-looking keys at any depth and strips error internals", () => {
    const out = redactForLog({
      password: "hunter2",
      nested: { apiKey: "sk_live_x", authorization: "Bearer vf_x", ok: 1 },
      list: [{ token: "vf_y" }],
      error: Object.assign(new Error("boom"), { code: "E1", config: { secret: "s" } }),
    });
    const text = JSON.stringify(out);
    for (const secret of ["hunter2", "sk_live_x", "vf_x", "vf_y", '"s"']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({ nested: { ok: 1 }, error: { name: "Error", message: "boom", code: "E1" } });
  });

  it("keeps an error's cause chain, cleaned the same way", () => {
    const inner = Object.assign(new Error("No such customer"), { code: "resource_missing", raw: { headers: { authorization: "Bearer sk_x" } } });
    const out = redactForLog({ error: new Error("Processing failed", { cause: inner }) });
    expect(out).toEqual({ error: { name: "Error", message: "Processing failed", cause: { name: "Error", message: "No such customer", code: "resource_missing" } } });
    expect(JSON.stringify(out)).not.toContain("sk_x");
  });
});
