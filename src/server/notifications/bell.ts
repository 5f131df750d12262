/**
 * The bell: the org's notifications as its members see them in the app. One entry per logical
 * notification (a dedupe key, whatever its number of recipients), newest first; emails addressed
 * to one person (an invitation, a password reset) are theirs, not the org's, and are left out.
 * Unread is per member: an entry is unread when it was created after the member last marked all
 * read (or, never having done so, after joining the org).
 */
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";

/** Kinds (template names) sent to one person rather than reporting on the org. */
export const PERSONAL_KINDS = ["invitation", "password-reset"];
/** Entries the bell lists: older ones are still counted as unread until marked read. */
export const BELL_LIST_SIZE = 20;

export interface BellEntry {
  dedupeKey: string;
  kind: string;
  subject: string;
  createdAt: Date;
  unread: boolean;
}

async function readSince(actor: Actor): Promise<Date> {
  const membership = await db.membership.findUniqueOrThrow({
    where: { userId_organizationId: { userId: actor.userId, organizationId: actor.organizationId } },
    select: { notificationsReadAt: true, createdAt: true },
  });
  return membership.notificationsReadAt ?? membership.createdAt;
}

/** The org's latest notifications and how many are unread for the actor. */
export async function bellOf(actor: Actor): Promise<{ unread: number; entries: BellEntry[] }> {
  const since = await readSince(actor);
  // A logical notification's rows are written in one transaction: the first row's time is its time.
  const [entries, [counted]] = await Promise.all([
    db.$queryRaw<{ dedupeKey: string; kind: string; subject: string; createdAt: Date }[]>`
      SELECT * FROM (
        SELECT DISTINCT ON ("dedupeKey") "dedupeKey", "kind", "subject", "createdAt"
        FROM "Notification"
        WHERE "organizationId" = ${actor.organizationId} AND NOT ("kind" = ANY(${PERSONAL_KINDS}))
        ORDER BY "dedupeKey", "createdAt" ASC
      ) AS logical
      ORDER BY "createdAt" DESC, "dedupeKey" ASC
      LIMIT ${BELL_LIST_SIZE}`,
    db.$queryRaw<{ unread: bigint }[]>`
      SELECT count(*) AS unread FROM (
        SELECT min("createdAt") AS "createdAt"
        FROM "Notification"
        WHERE "organizationId" = ${actor.organizationId} AND NOT ("kind" = ANY(${PERSONAL_KINDS}))
        GROUP BY "dedupeKey"
      ) AS logical
      WHERE "createdAt" > ${since}`,
  ]);
  return {
    unread: Number(counted?.unread ?? 0n),
    entries: entries.map((e) => ({ ...e, unread: e.createdAt > since })),
  };
}

/** Everything created up to now is read for the actor (in this org only). */
export async function markAllRead(actor: Actor, now = new Date()) {
  await db.membership.update({
    where: { userId_organizationId: { userId: actor.userId, organizationId: actor.organizationId } },
    data: { notificationsReadAt: now },
  });
}
