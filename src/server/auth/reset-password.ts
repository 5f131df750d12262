/**
 * Completing a password reset from its emailed link. One transaction consumes the token with a
 * conditional UPDATE (unused and unexpired: of two submits at once exactly one matches, the other
 * finds it used after the first commits), writes the new hash and moves the user's session epoch
 * on (a sign-in that checked the old password while this ran starts no session: session-epoch.ts),
 * voids the user's other outstanding links and ends every session of the user, so whoever held the
 * old password or a stolen cookie is out. Anything that fails rolls all of it back, the token's consumption included.
 */
import { z } from "zod";
import { hashPassword } from "~/server/auth/password";
import { bumpSessionEpoch } from "~/server/auth/session-epoch";
import { hashToken } from "~/server/auth/token-format";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { passwordInput } from "~/server/validation";

const resetToken = z.string().min(1, { error: "The reset link is incomplete." }).max(256, { error: "The reset link is not valid." });

export const resetPasswordInput = z.object({
  token: resetToken,
  // The same rules as at sign-up and in a password change.
  password: passwordInput,
});
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

const linkInvalid = () =>
  new AppError("BAD_REQUEST", "This password reset link is no longer valid. Ask for a new one.", {
    title: "Link no longer valid",
    details: { reason: "reset_link_invalid" },
  });

/** Whether the link can still be used (for the page; changes nothing: GETs are followed by scanners). */
export async function isResetLinkLive(token: string, now = new Date()): Promise<boolean> {
  if (!resetToken.safeParse(token).success) return false;
  const row = await db.passwordResetToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { usedAt: true, expiresAt: true } });
  return !!row && !row.usedAt && row.expiresAt > now;
}

/** Sets the new password; returns the account's email (to sign in with). BAD_REQUEST `reset_link_invalid` for a used, expired or unknown link. */
export async function resetPassword(input: ResetPasswordInput): Promise<{ email: string; endedSessions: number }> {
  const tokenHash = hashToken(input.token);
  // A dead link is refused before bcrypt, so junk tokens cost one indexed read, not a hash. The
  // conditional UPDATE below still decides: the link may be spent between the two.
  if (!(await isResetLinkLive(input.token))) throw linkInvalid();
  // bcrypt before the transaction: its 100 ms hold no row lock.
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const now = new Date();
    const consumed = await tx.passwordResetToken.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (consumed.count !== 1) throw linkInvalid();
    const { userId } = await tx.passwordResetToken.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
    const user = await tx.user.update({ where: { id: userId }, data: { passwordHash, ...bumpSessionEpoch }, select: { email: true } });
    await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
    const ended = await tx.authSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    return { email: user.email, endedSessions: ended.count };
  });
}
