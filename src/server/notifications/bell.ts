/**
 * The bell: the org's in-app notifications (in-app.ts, one row per logical notification) as a
 * member sees them, newest first, only the kinds the member's role may see (an allowlist: an
 * unknown kind is never shown). It does not read the email outbox, so an alert whose emails
 * nobody receives (every admin opted out) is still listed. Unread is per member: an entry is
 * unread when created after the member's read mark (or, never having marked, after joining).
 * Clients get an opaque id, never the dedupe key.
 */
import { db } from "~/server/clients/db";
import { BELL_KINDS } from "~/server/notifications/in-app";
import type { Actor } from "~/server/orgs/memberships";

/** Entries the bell lists: older ones are still counted as unread until marked read. */
export const BELL_LIST_SIZE = 20;

export interface BellEntry {
  id: string;
  kind: string;
  title: string;
  /** An in-app path. */
  link: string;
  createdAt: Date;
  unread: boolean;
}

async function readSince(actor: Actor): Promise<Date> {
  const membership = await db.membership.findUniqueOrThrow({
    where: {
      userId_organizationId: {
        userId: actor.userId,
        organizationId: actor.organizationId,
      },
    },
    select: { notificationsReadAt: true, createdAt: true },
  });
  return membership.notificationsReadAt ?? membership.createdAt;
}

/** The org's latest notifications and how many are unread for the actor: two range reads of (organizationId, createdAt). */
export async function bellOf(actor: Actor): Promise<{ unread: number; entries: BellEntry[] }> {
  const since = await readSince(actor);
  const kinds = [...BELL_KINDS[actor.role]];
  const [entries, unread] = await Promise.all([
    db.orgNotification.findMany({
      where: { organizationId: actor.organizationId, kind: { in: kinds } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: BELL_LIST_SIZE,
      select: {
        id: true,
        kind: true,
        title: true,
        link: true,
        createdAt: true,
      },
    }),
    db.orgNotification.count({
      where: {
        organizationId: actor.organizationId,
        kind: { in: kinds },
        createdAt: { gt: since },
      },
    }),
  ]);
  return {
    unread,
    entries: entries.map((e) => ({ ...e, unread: e.createdAt > since })),
  };
}

/**
 * Marks read what the member saw: everything created up to `upTo` (the newest entry the client
 * displayed), never past the database's clock and never moving the mark back, so an entry that
 * arrived after the list was shown stays unread.
 */
export async function markAllRead(actor: Actor, upTo: Date) {
  await db.$executeRaw`
    UPDATE "Membership"
    SET "notificationsReadAt" = GREATEST(COALESCE("notificationsReadAt", "createdAt"), LEAST(${upTo}::timestamptz, now()))
    WHERE "userId" = ${actor.userId} AND "organizationId" = ${actor.organizationId}`;
}
