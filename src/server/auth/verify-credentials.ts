import { dummyPasswordHash, verifyPassword } from "~/server/auth/password";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { env } from "~/env";
import { AppError } from "~/server/errors";

const failKey = (email: string) => `auth:login-failures:${email}`;

/**
 * Checks an email and password. After LOGIN_MAX_ATTEMPTS failures for one email within
 * LOGIN_WINDOW_SECONDS every attempt is refused with RATE_LIMITED (429) until the window ends,
 * even with the right password, so guessing cannot continue behind a lucky hit.
 */
export async function verifyCredentials(rawEmail: string, password: string) {
  const email = rawEmail.trim().toLowerCase();
  const failures = Number((await kv.get(failKey(email))) ?? 0);
  if (failures >= env.LOGIN_MAX_ATTEMPTS) {
    throw new AppError("RATE_LIMITED", "Too many failed sign-in attempts. Try again later.", {
      details: { retryAfterSeconds: env.LOGIN_WINDOW_SECONDS },
    });
  }
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  const ok = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash());
  if (!user || !ok) {
    await kv.incrWithTtl(failKey(email), 1, env.LOGIN_WINDOW_SECONDS);
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect.");
  }
  await kv.del(failKey(email));
  return { id: user.id, email: user.email, name: user.name };
}
