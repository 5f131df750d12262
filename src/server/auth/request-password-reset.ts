/**
 * "Forgot password?": an emailed single-use link to choose a new password. The answer never says
 * whether the email has an account (the caller answers the same whatever happens here), and only
 * the SHA-256 of the link's token is stored; the raw token goes into the email alone.
 */
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import { env } from "~/env";
import { hashToken } from "~/server/auth/token-format";
import { db } from "~/server/clients/db";
import { UNKNOWN_CLIENT } from "~/server/http/client-address";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { passwordReset } from "~/server/notifications/templates/password-reset";
import { enforceRateLimit } from "~/server/security/rate-limit";
import { emailInput } from "~/server/validation";

/** A link lives at most this long ("expires within an hour"). */
export const PASSWORD_RESET_TTL_SECONDS = 3600;

export const passwordResetRequestInput = z.object({ email: emailInput });

/** `${APP_URL}/reset-password/<token>`: the page that completes the reset. */
export const resetPasswordUrl = (token: string) => new URL(`/reset-password/${encodeURIComponent(token)}`, env.APP_URL).toString();

const RATE_KEY_PURPOSE = "vantflow:rate-limit:password-reset-email:v1";

/**
 * The per-email counter's key: an HMAC-SHA256 of the address under AUTH_SECRET (domain-separated),
 * so the counter store holds no address, and one who reads it cannot test guessed addresses
 * against it as they could a bare hash.
 */
export function passwordResetRateKey(email: string): string {
  if (!env.AUTH_SECRET) throw new Error("AUTH_SECRET is not set: the password reset rate key cannot be made.");
  return createHmac("sha256", env.AUTH_SECRET).update(`${RATE_KEY_PURPOSE}\n${email}`).digest("base64url").slice(0, 32);
}

/**
 * Counts the request against the per-client and per-email limits (RATE_LIMITED, 429, past them).
 * Both count whether or not the email has an account, so a refusal tells nothing either.
 */
export async function limitPasswordResetRequests(email: string, client: string) {
  if (client !== UNKNOWN_CLIENT) await enforceRateLimit("passwordResetClient", client);
  await enforceRateLimit("passwordResetEmail", passwordResetRateKey(email));
}

/**
 * Writes a reset token for the account of `email`, and its email, in one transaction; an email
 * with no account writes nothing. Returns nothing the caller could show: it runs after the
 * neutral answer has gone out (so its time tells nothing either).
 */
export async function requestPasswordReset(email: string, now = new Date()): Promise<void> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, name: true, email: true } });
  if (!user) return;
  const token = `prt_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_SECONDS * 1000);
  await db.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: hashToken(token), expiresAt, createdAt: now },
      select: { id: true },
    });
    await enqueueEmail(tx, {
      template: passwordReset,
      props: { name: user.name, resetUrl: resetPasswordUrl(token), expiresAt: expiresAt.toISOString() },
      dedupeKey: `password-reset:${row.id}`,
      recipients: [user.email],
      // The body holds the raw token; the user is waiting for it, even at an address that bounced before.
      sensitive: true,
      userInitiated: true,
    });
  });
}
