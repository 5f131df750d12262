import { describe, expect, it } from "vitest";
import { clientAddress, UNKNOWN_CLIENT } from "~/server/http/client-address";

const headers = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });

describe("clientAddress", () => {
  it("takes the entry the nearest trusted proxy appended, not what the client wrote before it", () => {
    expect(clientAddress(headers("6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(headers("6.6.6.6, 203.0.113.9, 10.0.0.2"), 2)).toBe("203.0.113.9");
  });

  it("counts an IPv6 client by its /64, so one subscriber cannot rotate through its addresses", () => {
    expect(clientAddress(headers("2001:DB8:1:2::1"), 1)).toBe("2001:db8:1:2::/64");
    expect(clientAddress(headers("2001:db8:1:2:ffff:ffff:ffff:ffff"), 1)).toBe("2001:db8:1:2::/64");
    expect(clientAddress(headers("2001:db8:1:3::1"), 1)).toBe("2001:db8:1:3::/64");
    expect(clientAddress(headers("::1"), 1)).toBe("0:0:0:0::/64");
    expect(clientAddress(headers("::ffff:203.0.113.9"), 1)).toBe("203.0.113.9");
  });

  it("drops a port a proxy appended, so each source port is not a new client", () => {
    expect(clientAddress(headers("203.0.113.9:51234"), 1)).toBe("203.0.113.9");
    expect(clientAddress(headers("[2001:db8:1:2::7]:443"), 1)).toBe("2001:db8:1:2::/64");
  });

  it("answers UNKNOWN_CLIENT for no header, a forged junk value, or when no proxy is trusted", () => {
    expect(clientAddress(headers(), 1)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(headers("<script>"), 1)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(headers("x".repeat(500)), 1)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(headers("999.1.1.1"), 1)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(headers("203.0.113.9"), 0)).toBe(UNKNOWN_CLIENT);
  });

  it("takes the leftmost entry when there are fewer hops than trusted proxies", () => {
    expect(clientAddress(headers("203.0.113.9"), 3)).toBe("203.0.113.9");
  });
});
