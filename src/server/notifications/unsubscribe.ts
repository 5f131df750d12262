/**
 * The usage-alert unsubscribe link: `/unsubscribe?token=…`, where the token is the user's id and
 * an HMAC-SHA256 of it under AUTH_SECRET (domain-separated), so a link works without signing in
 * and cannot be made for another user. It only turns usage alerts off (payment emails always go),
 * so it need not expire. Emails carrying it also carry RFC 8058's one-click headers, which point at
 * `POST /api/email/unsubscribe?token=…` (a page and a route handler cannot share a path); the page
 * asks before it changes anything (link scanners follow GETs) and posts there too.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

const PURPOSE = "vantflow:unsubscribe:usage-alerts:v1";

function secret(): string {
  if (!env.AUTH_SECRET) throw new Error("AUTH_SECRET is not set: unsubscribe links cannot be signed.");
  return env.AUTH_SECRET;
}

const mac = (userId: string) => createHmac("sha256", secret()).update(`${PURPOSE}\n${userId}`).digest("base64url");

export function unsubscribeToken(userId: string): string {
  return `${Buffer.from(userId, "utf8").toString("base64url")}.${mac(userId)}`;
}

/** The user id the token was made for; null for anything else (malformed, another secret, altered). */
export function verifyUnsubscribeToken(token: string): string | null {
  if (typeof token !== "string" || token.length > 512) return null;
  const [encodedId, given, ...rest] = token.split(".");
  if (!encodedId || !given || rest.length) return null;
  const userId = Buffer.from(encodedId, "base64url").toString("utf8");
  if (!userId || Buffer.from(userId, "utf8").toString("base64url") !== encodedId) return null;
  const expected = Buffer.from(mac(userId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? userId : null;
}

const withToken = (path: string, userId: string) => {
  const url = new URL(path, env.APP_URL);
  url.searchParams.set("token", unsubscribeToken(userId));
  return url.toString();
};

/** The page link for the email's footer and the headers that let mail clients unsubscribe in one click (RFC 8058). */
export function usageAlertUnsubscribe(userId: string): { url: string; headers: Record<string, string> } {
  const oneClick = withToken("/api/email/unsubscribe", userId);
  return {
    url: withToken("/unsubscribe", userId),
    headers: { "List-Unsubscribe": `<${oneClick}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/**
 * Turns off the usage alerts of the token's user. Idempotent: already off (or a user since
 * deleted) is still a success. BAD_REQUEST `invalid_unsubscribe_token` for a token that does not verify.
 */
export async function unsubscribeFromUsageAlerts(token: string | null): Promise<void> {
  const userId = token ? verifyUnsubscribeToken(token) : null;
  if (!userId) {
    throw new AppError("BAD_REQUEST", "This unsubscribe link is not valid.", { details: { reason: "invalid_unsubscribe_token" } });
  }
  await db.user.updateMany({ where: { id: userId, usageAlertEmails: true }, data: { usageAlertEmails: false } });
}
