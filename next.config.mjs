import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";

// Validates the environment at build (and start) time: a wrong variable fails here, not on the
// first request. jiti lets this plain-ESM config load the TypeScript env module.
const jiti = createJiti(fileURLToPath(import.meta.url));
await jiti.import("./src/env.ts");
/** @type {typeof import("./src/server/http/security-headers")} */
const { staticSecurityHeaders } = await jiti.import("./src/server/http/security-headers.ts");

/** @type {import("next").NextConfig} */
const config = {
  // Self-hosting runs `node .next/standalone/server.js` (scripts/standalone.ts copies the assets
  // beside it); Vercel ignores this. `next start` still serves the same build (it only warns).
  output: "standalone",
  // The repository root, not a parent folder that happens to hold a lockfile: server.js lands
  // at .next/standalone/server.js.
  outputFileTracingRoot: fileURLToPath(new URL(".", import.meta.url)),
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "ioredis", "bcryptjs"],
  poweredByHeader: false,
  typedRoutes: false,
  // Every response, API routes and 404s included. The page CSP and HSTS come from src/proxy.ts:
  // one needs a nonce per request, the other APP_URL at run time (these are fixed at build time).
  async headers() {
    return [{ source: "/:path*", headers: [...staticSecurityHeaders] }];
  },
  // The guide's paths (e.g. the 402 body's upgradeUrl) lead into the dashboard.
  async redirects() {
    return [{ source: "/billing/:path*", destination: "/dashboard/billing/:path*", permanent: false }];
  },
};

export default config;
