import { describe, expect, it } from "vitest";
import { clientAddress } from "~/server/http/client-address";

const headers = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });

describe("clientAddress", () => {
  it("takes the entry the nearest trusted proxy appended, not what the client wrote before it", () => {
    expect(clientAddress(headers("6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(headers("6.6.6.6, 203.0.113.9, 10.0.0.2"), 2)).toBe("203.0.113.9");
  });

  it("uses the one address Vercel or next start writes", () => {
    expect(clientAddress(headers("2001:DB8::1"), 1)).toBe("2001:db8::1");
  });

  it("answers 'unknown' for no header, a forged junk value, or when no proxy is trusted", () => {
    expect(clientAddress(headers(), 1)).toBe("unknown");
    expect(clientAddress(headers("<script>"), 1)).toBe("unknown");
    expect(clientAddress(headers("x".repeat(500)), 1)).toBe("unknown");
    expect(clientAddress(headers("203.0.113.9"), 0)).toBe("unknown");
  });

  it("takes the leftmost entry when there are fewer hops than trusted proxies", () => {
    expect(clientAddress(headers("203.0.113.9"), 3)).toBe("203.0.113.9");
  });
});
