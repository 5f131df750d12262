/**
 * The `Upstash-Signature` QStash puts on every delivery, as `Receiver.verify` in
 * `@upstash/qstash` checks it: an HS256 JWT keyed with the UTF-8 bytes of the signing key,
 * `iss` "Upstash", `sub` the destination URL, `body` the base64url SHA-256 of the raw body, and a
 * five-minute `nbf`…`exp` window.
 */
import { createHash, randomBytes } from "node:crypto";
import { SignJWT } from "jose";

/** QStash's tokens live five minutes. */
export const SIGNATURE_LIFETIME_SECONDS = 300;

/**
 * base64url(SHA-256(body)) with `=` padding, the form in QStash's own example claim. The
 * Receiver strips padding from both sides before comparing, so padded and unpadded both verify;
 * padding is kept so a hand-written verifier that forgot that would fail here as in production.
 */
export function bodyHashClaim(body: Uint8Array): string {
  const hash = createHash("sha256").update(body).digest("base64url");
  return hash + "=".repeat((4 - (hash.length % 4)) % 4);
}

export async function signDelivery(args: { key: string; url: string; body: Uint8Array; nowMs: number }): Promise<string> {
  const now = Math.floor(args.nowMs / 1000);
  return new SignJWT({ body: bodyHashClaim(args.body) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("Upstash")
    .setSubject(args.url)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + SIGNATURE_LIFETIME_SECONDS)
    .setJti(`jwt_${randomBytes(16).toString("base64url")}`)
    .sign(new TextEncoder().encode(args.key));
}
