import { createHash, randomBytes } from "node:crypto";

const TOKEN_PREFIX = "vf_";
const VISIBLE_CHARS = 10;

/** Tokens are 32 random bytes; only their SHA-256 is stored, so a leaked table grants nothing. */
export function generateToken() {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, prefix: token.slice(0, VISIBLE_CHARS), tokenHash: hashToken(token) };
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

export function parseBearer(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] ?? null;
}
