import { z } from "zod";
import { env } from "~/env";
import { hashPassword, verifyPassword } from "~/server/auth/password";
import { passwordInput, signInPasswordInput } from "~/server/validation";
import { bumpSessionEpoch } from "~/server/auth/session-epoch";
import { newSession } from "~/server/auth/sessions";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";

export const changePasswordInput = z
  .object({
    currentPassword: signInPasswordInput,
    // The same rules as at sign-up.
    newPassword: passwordInput,
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    path: ["newPassword"],
    error: "Choose a password different from the current one.",
  });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

const attemptsKey = (userId: string) => `auth:password-change-attempts:${userId}`;

/**
 * Counts an attempt before the password is checked, atomically, so parallel guesses cannot slip
 * past the cap: a stolen session gets LOGIN_MAX_ATTEMPTS guesses of the current password per
 * LOGIN_WINDOW_SECONDS (the sign-in budget of one email), not an oracle. A success clears it.
 */
async function countAttempt(userId: string) {
  const attempts = await kv.incrWithTtl(attemptsKey(userId), 1, env.LOGIN_WINDOW_SECONDS);
  if (attempts > env.LOGIN_MAX_ATTEMPTS) {
    throw new AppError("RATE_LIMITED", "Too many attempts to change the password. Try again later.", {
      details: { retryAfterSeconds: env.LOGIN_WINDOW_SECONDS },
      headers: { "Retry-After": String(env.LOGIN_WINDOW_SECONDS) },
    });
  }
}

/**
 * Changes the password of the user of session `sessionId` after checking the current one. In one
 * transaction the new hash is written and the session epoch moves on (a sign-in that checked the
 * old password meanwhile starts no session: session-epoch.ts), the user's outstanding reset links
 * are voided (one mailed before the change must not undo it), every session of the user ends
 * (copies of the asking browser's cookie included) and a new session is made for the asking
 * browser; the caller moves its cookie there (config.ts `moveSessionCookie`), so it stays signed
 * in and nothing else does.
 */
export async function changePassword(userId: string, sessionId: string, input: ChangePasswordInput) {
  await countAttempt(userId);
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in first.");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError("BAD_REQUEST", "The current password is incorrect.", {
      fieldErrors: { currentPassword: ["The current password is incorrect."] },
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  const next = await db.$transaction(async (tx) => {
    const current = await tx.authSession.findUnique({ where: { id: sessionId }, select: { userAgent: true } });
    await tx.user.update({ where: { id: userId }, data: { passwordHash, ...bumpSessionEpoch } });
    const now = new Date();
    await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
    await tx.authSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    return tx.authSession.create({ data: newSession(userId, current?.userAgent, now), select: { id: true } });
  });
  // The password has changed and the sessions have ended: a counter that cannot be cleared now
  // only expires with its window, and must not turn the done change into an error.
  await kv.del(attemptsKey(userId)).catch((error: unknown) => logger.warn("password change: could not clear the attempt counter", { error }));
  return { sessionId: next.id };
}
