/** A user's own email preferences. Only usage alerts can be turned off: payment emails always go. */
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

export async function emailPreferences(userId: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { usageAlertEmails: true } });
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in first.");
  return user;
}

export async function setUsageAlertEmails(userId: string, enabled: boolean) {
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { usageAlertEmails: enabled } });
  if (count === 0) throw new AppError("UNAUTHORIZED", "Sign in first.");
  return { usageAlertEmails: enabled };
}
