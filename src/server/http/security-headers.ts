/**
 * The browser-facing security headers, in one place. next.config.mjs sends `staticSecurityHeaders`
 * on every response (pages, API routes, 404s); the proxy adds the per-request Content-Security-Policy
 * (it carries a fresh nonce) and HSTS (it depends on APP_URL at run time, while next.config's
 * headers are fixed at build time). Values are parameters: this module reads no environment, so
 * the config file can load it before the app is built.
 */

/** Headers whose value never changes: framing, MIME sniffing, referrers, powerful features. */
export const staticSecurityHeaders: readonly { key: string; value: string }[] = [
  // Older browsers ignore CSP's frame-ancestors; together they keep every page out of any frame.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Only features Chromium knows: an unknown one is logged as an error on every page.
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** Whether the app is served over TLS: only then may it pin HTTPS or mark cookies Secure. */
export const servedOverHttps = (appUrl: string) => new URL(appUrl).protocol === "https:";

/**
 * Two years, subdomains included, and only for a production app whose public URL is https: a
 * plain-http self-host (or `next start` on a laptop) must never pin its host to HTTPS.
 */
export function strictTransportSecurity(options: { appUrl: string; production: boolean }): string | null {
  return options.production && servedOverHttps(options.appUrl) ? "max-age=63072000; includeSubDomains" : null;
}

/** Where the app sends a browser to pay: the Stripe stand-in's origin when one is configured, else Stripe's pages. */
export function paymentOrigins(stripeApiBase: string | undefined): string[] {
  return stripeApiBase ? [new URL(stripeApiBase).origin] : ["https://checkout.stripe.com", "https://billing.stripe.com"];
}

/** A fresh nonce for one response: 128 random bits, base64. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * The page policy. Scripts run only with this response's nonce (Next.js puts it on its own scripts
 * when it finds it in the request's CSP header) or when such a script loads them ('strict-dynamic':
 * the chunks Next.js loads later). Styles allow 'unsafe-inline': React renders style attributes
 * (progress bars, the usage chart's labels) and sonner injects a <style> element, and a nonce cannot cover an
 * attribute — while a nonce in style-src would switch 'unsafe-inline' off. Development adds
 * 'unsafe-eval', which React uses there to rebuild server error stacks.
 */
export function contentSecurityPolicy(options: { nonce: string; development: boolean; https: boolean; formTargets: string[] }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    // The chat stream and tRPC are same-origin fetches.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // Chromium applies form-action to the redirects after a form POST as well, so Stripe's pages are listed.
    `form-action 'self' ${options.formTargets.join(" ")}`.trim(),
    "frame-ancestors 'none'",
    // Over plain http this would send every subresource to an https port that is not there.
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}
