import { loginThrottle } from "~/server/auth/login-throttle";
import { dummyPasswordHash, verifyPassword } from "~/server/auth/password";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { env } from "~/env";
import { AppError } from "~/server/errors";
import { clientAddress } from "~/server/http/client-address";

const throttle = loginThrottle(kv, {
  emailClient: env.LOGIN_MAX_ATTEMPTS,
  client: env.LOGIN_CLIENT_MAX_ATTEMPTS,
  email: env.LOGIN_EMAIL_MAX_ATTEMPTS,
  windowSeconds: env.LOGIN_WINDOW_SECONDS,
});

/**
 * Checks an email and password for a request with these headers (its client address). Each check
 * runs only with a reservation from the sign-in throttle (login-throttle.ts): over a limit every
 * attempt is refused with RATE_LIMITED (429) before any check, even with the right password, so
 * guessing cannot continue behind a lucky hit; UNAVAILABLE (503) when the throttle cannot count.
 * The user comes with the `sessionEpoch` read alongside the hash: pass it to startSession or
 * createApiToken, which grant nothing if a password reset or change committed in between.
 */
export async function verifyCredentials(rawEmail: string, password: string, headers: Headers) {
  const email = rawEmail.trim().toLowerCase();
  const user = await throttle.attempt(email, clientAddress(headers, env.TRUSTED_PROXY_COUNT), () => checkPassword(email, password));
  if (!user) throw new AppError("UNAUTHORIZED", "Email or password is incorrect.");
  return user;
}

async function checkPassword(email: string, password: string) {
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, sessionEpoch: true },
  });
  // An unknown email costs a bcrypt comparison too, so timing does not tell which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash());
  // The epoch read with the hash: what the check proved holds only until a reset or change moves it (session-epoch.ts).
  return user && ok ? { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch } : null;
}
