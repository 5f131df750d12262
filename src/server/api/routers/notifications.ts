/** The bell: the org's notifications and the member's unread count; open to every member, each member's own read state. */
import { z } from "zod";
import { createTRPCRouter, orgProcedure } from "~/server/api/trpc";
import { bellOf, markAllRead } from "~/server/notifications/bell";

export const notificationsRouter = createTRPCRouter({
  bell: orgProcedure
    .output(
      z.object({
        unread: z.number().int().nonnegative(),
        entries: z.array(z.object({ dedupeKey: z.string(), kind: z.string(), subject: z.string(), createdAt: z.date(), unread: z.boolean() })),
      }),
    )
    .query(({ ctx }) => bellOf(ctx.actor)),

  markAllRead: orgProcedure.mutation(({ ctx }) => markAllRead(ctx.actor)),
});
