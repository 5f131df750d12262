/**
 * The address of the client that sent a request, as the nearest trusted proxy saw it.
 *
 * Each proxy appends the address it received the request from to X-Forwarded-For, so the entry
 * `trustedProxies` places from the right was written by our own outermost trusted proxy; what lies
 * further left came from the client and can be forged. Vercel overwrites the header with the one
 * client address; one nginx (`$proxy_add_x_forwarded_for`) appends it; `next start` on its own adds
 * the socket address only when the header is absent. With 0 trusted proxies every request is the
 * one client "unknown", so per-client limits become global rather than forgeable.
 * Callers pass `env.TRUSTED_PROXY_COUNT` (a parameter keeps this module free of the environment).
 */
export function clientAddress(headers: Headers, trustedProxies: number): string {
  if (trustedProxies === 0) return "unknown";
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  const address = hops[Math.max(0, hops.length - trustedProxies)];
  // Bounded and printable: the value ends up in Redis keys and log lines.
  return address && /^[0-9A-Za-z.:%_-]{1,64}$/.test(address) ? address.toLowerCase() : "unknown";
}
