import { describe, expect, it } from "vitest";
import { generateToken, hashToken, parseBearer } from "./token-format";

describe("API tokens", () => {
  it("generates unique tokens whose stored form is only a hash and a visible prefix", () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^vf_[A-Za-z0-9_-]{43}$/);
    expect(a.token.startsWith(a.prefix)).toBe(true);
    expect(a.prefix.length).toBeLessThan(12);
    expect(a.tokenHash).toBe(hashToken(a.token));
    expect(a.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.tokenHash).not.toContain(a.token.slice(3));
  });

  it("reads a bearer header and rejects anything else", () => {
    expect(parseBearer("Bearer vf_abc")).toBe("vf_abc");
    expect(parseBearer("bearer   vf_abc")).toBe("vf_abc");
    expect(parseBearer("Basic dXNlcg==")).toBeNull();
    expect(parseBearer("Bearer")).toBeNull();
    expect(parseBearer(null)).toBeNull();
  });
});
