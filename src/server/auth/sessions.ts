/**
 * Browser sessions as rows (AuthSession). The session cookie is a JWT that names its row (`sid`);
 * every request that reads the cookie reads the row, and a missing, revoked, expired or foreign
 * row signs the cookie out. So ending a row ends every copy of its cookie at the next request:
 * sign-out, "sign out everywhere", revoking one session and a password change all work by
 * writing `revokedAt`.
 *
 * Dead rows (revoked or expired) are deleted lazily: each sign-in deletes its user's.
 */
import { randomBytes } from "node:crypto";
import { cache } from "react";
import { SESSION_MAX_AGE_SECONDS } from "~/server/auth/session-config";
import { requireSessionEpoch } from "~/server/auth/session-epoch";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

/** lastSeenAt (and the expiry it slides) is written at most once this often per session. */
export const TOUCH_INTERVAL_MS = 60_000;
const USER_AGENT_MAX_CHARS = 256;

const expiryFrom = (now: Date) => new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);

/** The row of a session that starts `now`. */
export function newSession(userId: string, userAgent: string | null | undefined, now = new Date()) {
  const agent = userAgent?.slice(0, USER_AGENT_MAX_CHARS) || null;
  return { userId, userAgent: agent, createdAt: now, lastSeenAt: now, expiresAt: expiryFrom(now) };
}

/**
 * Live sessions one user may hold. A sign-in past it ends the least recently seen ones, so a
 * script that signs in over and over cannot grow the table (or the sessions list) without bound.
 */
export const MAX_LIVE_SESSIONS = 50;

/**
 * A new session of `userId` (at sign-in); returns its id, which the cookie carries. `sessionEpoch`
 * is the one the password check read (verify-credentials.ts): if a reset or change has moved it
 * since, nothing is inserted and this throws UNAUTHORIZED (session-epoch.ts).
 */
export async function startSession(userId: string, sessionEpoch: number, userAgent: string | null | undefined, now = new Date()) {
  const row = await db.$transaction(async (tx) => {
    await requireSessionEpoch(tx, userId, sessionEpoch);
    await tx.authSession.deleteMany({ where: { userId, OR: [{ revokedAt: { not: null } }, { expiresAt: { lte: now } }] } });
    return tx.authSession.create({ data: newSession(userId, userAgent, now), select: { id: true } });
  });
  const beyond = await db.authSession.findMany({
    where: { userId, revokedAt: null },
    orderBy: [{ lastSeenAt: "desc" }, { createdAt: "desc" }],
    skip: MAX_LIVE_SESSIONS,
    select: { id: true },
  });
  if (beyond.length > 0) {
    await db.authSession.updateMany({ where: { id: { in: beyond.map((r) => r.id) }, revokedAt: null }, data: { revokedAt: now } });
  }
  return row.id;
}

/**
 * Whether the cookie's session is still live: its row exists, belongs to `userId`, is not revoked
 * and has not expired. A live session's lastSeenAt and expiry move forward (coarsely), as the
 * cookie's own expiry does on each read. Memoised for one server render (React `cache`), never
 * longer: the next request reads the row again, so a revoke takes effect at once.
 */
export const isSessionLive = cache(async (sessionId: string, userId: string): Promise<boolean> => {
  const row = await db.authSession.findUnique({
    where: { id: sessionId },
    select: { userId: true, revokedAt: true, expiresAt: true, lastSeenAt: true },
  });
  const now = new Date();
  if (!row || row.userId !== userId || row.revokedAt || row.expiresAt <= now) return false;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    // revokedAt: null, so a revoke that lands between the read and this write is never undone.
    await db.authSession.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { lastSeenAt: now, expiresAt: expiryFrom(now) },
    });
  }
  return true;
});

/** Ends one session by id (sign-out). Ending an ended session changes nothing. */
export async function endSession(sessionId: string) {
  await db.authSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Ends one of the user's own sessions; another user's (or no) session is NOT_FOUND. */
export async function endSessionOf(userId: string, sessionId: string) {
  const { count } = await db.authSession.updateMany({
    where: { id: sessionId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0 && !(await db.authSession.findFirst({ where: { id: sessionId, userId }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", "No such session.");
  }
}

/** Ends every session of the user ("sign out everywhere"); returns how many were live. */
export async function endAllSessions(userId: string) {
  const { count } = await db.authSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}

/** The user's live sessions, most recently seen first; `current` marks the one asking. */
export async function listSessions(userId: string, currentSessionId: string | null) {
  const rows = await db.authSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: MAX_LIVE_SESSIONS,
    select: { id: true, createdAt: true, lastSeenAt: true, userAgent: true },
  });
  return rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
}

/**
 * Hand-overs: after a password change ends every session of the user, the browser that made the
 * change is moved to a new session by rewriting its cookie through Auth.js's session update
 * (config.ts). That update request can also be sent by anyone holding a copy of the old cookie,
 * so it carries a one-time secret that never leaves this process: only the request this process
 * makes itself can present it.
 */
const HANDOVER_TTL_MS = 60_000;
const handovers = new Map<string, { userId: string; from: string; to: string; expiresAt: number }>();

export function offerHandover(userId: string, from: string, to: string, now = Date.now()) {
  for (const [key, offer] of handovers) if (offer.expiresAt <= now) handovers.delete(key);
  const secret = randomBytes(32).toString("base64url");
  handovers.set(secret, { userId, from, to, expiresAt: now + HANDOVER_TTL_MS });
  return secret;
}

/** The session a cookie of session `from` of `userId` moves to, once, or null. */
export function takeHandover(secret: unknown, userId: string, from: string, now = Date.now()): string | null {
  if (typeof secret !== "string") return null;
  const offer = handovers.get(secret);
  handovers.delete(secret);
  if (!offer || offer.expiresAt <= now || offer.userId !== userId || offer.from !== from) return null;
  return offer.to;
}
