import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, paymentOrigins, staticSecurityHeaders, strictTransportSecurity } from "~/server/http/security-headers";

describe("security headers", () => {
  it("pins HTTPS only for a production app whose public URL is https", () => {
    expect(strictTransportSecurity({ appUrl: "https://app.example.com", production: true })).toBe("max-age=63072000; includeSubDomains");
    expect(strictTransportSecurity({ appUrl: "http://billing.internal:3000", production: true })).toBeNull();
    expect(strictTransportSecurity({ appUrl: "https://app.example.com", production: false })).toBeNull();
  });

  it("allows scripts by nonce only, never frames, and adds eval for development alone", () => {
    const policy = contentSecurityPolicy({ nonce: "abc123==", development: false, https: false, formTargets: ["https://checkout.stripe.com"] });
    const directives = Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d]));
    expect(directives["script-src"]).toBe("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(directives["frame-ancestors"]).toBe("frame-ancestors 'none'");
    expect(directives["form-action"]).toBe("form-action 'self' https://checkout.stripe.com");
    expect(directives["object-src"]).toBe("object-src 'none'");
    expect(directives["upgrade-insecure-requests"]).toBeUndefined();

    const dev = contentSecurityPolicy({ nonce: "n", development: true, https: true, formTargets: [] });
    expect(dev).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(dev).toContain("form-action 'self';");
    expect(dev).toContain("upgrade-insecure-requests");
  });

  it("sends payments to the stand-in when one is configured, else to Stripe's pages", () => {
    expect(paymentOrigins("http://127.0.0.1:12111/v1")).toEqual(["http://127.0.0.1:12111"]);
    expect(paymentOrigins(undefined)).toEqual(["https://checkout.stripe.com", "https://billing.stripe.com"]);
  });

  it("makes a different 128-bit nonce every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  it("refuses framing and sniffing on every response", () => {
    expect(Object.fromEntries(staticSecurityHeaders.map((h) => [h.key, h.value]))).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
  });
});
