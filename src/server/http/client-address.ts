import { isIPv4, isIPv6 } from "node:net";

/** The client of a request whose address cannot be told (no trusted proxy, or a header we cannot read). */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The address of the client that sent a request, as the nearest trusted proxy saw it, in the form
 * limits count by.
 *
 * Each proxy appends the address it received the request from to X-Forwarded-For, so the entry
 * `trustedProxies` places from the right was written by our own outermost trusted proxy; what lies
 * further left came from the client and can be forged. Vercel overwrites the header with the one
 * client address; one nginx (`$proxy_add_x_forwarded_for`) appends it; `next start` on its own adds
 * the socket address only when the header is absent. With 0 trusted proxies every request is
 * UNKNOWN_CLIENT, and callers must not let one client's limits become everyone's.
 *
 * An IPv6 client is its /64: one subscriber holds a whole /64, so counting single addresses
 * would give one attacker 2^64 "clients". A port some proxies append is dropped.
 * Callers pass `env.TRUSTED_PROXY_COUNT` (a parameter keeps this module free of the environment).
 */
export function clientAddress(headers: Headers, trustedProxies: number): string {
  if (trustedProxies === 0) return UNKNOWN_CLIENT;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  const entry = hops[Math.max(0, hops.length - trustedProxies)];
  return entry ? (normalise(entry) ?? UNKNOWN_CLIENT) : UNKNOWN_CLIENT;
}

function normalise(entry: string): string | null {
  // "[2001:db8::1]:443", "203.0.113.9:443", or a bare address.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const candidate = bracketed ? bracketed[1]! : /^[\d.]+:\d+$/.test(entry) ? entry.slice(0, entry.lastIndexOf(":")) : entry;
  const zoneless = candidate.replace(/%.*$/, "");
  if (isIPv4(zoneless)) return zoneless;
  if (isIPv6(zoneless)) return ipv6Prefix64(zoneless);
  return null;
}

/** The first four groups of an IPv6 address, written out: its /64. An IPv4-mapped address is its IPv4. */
function ipv6Prefix64(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(":")}::/64`;
}
