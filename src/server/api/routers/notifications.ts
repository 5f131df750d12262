/** The bell: the org's notifications and the member's unread count; open to every member (each sees its role's kinds), each member's own read state. */
import { z } from "zod";
import { createTRPCRouter, orgProcedure } from "~/server/api/trpc";
import { bellOf, markAllRead } from "~/server/notifications/bell";

export const notificationsRouter = createTRPCRouter({
  bell: orgProcedure
    .output(
      z.object({
        unread: z.number().int().nonnegative(),
        entries: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            title: z.string(),
            link: z.string(),
            createdAt: z.date(),
            unread: z.boolean(),
          }),
        ),
      }),
    )
    .query(({ ctx }) => bellOf(ctx.actor)),

  /** `upTo`: the newest entry's createdAt the client displayed (what the member actually saw). */
  markAllRead: orgProcedure.input(z.object({ upTo: z.date() })).mutation(({ ctx, input }) => markAllRead(ctx.actor, input.upTo)),
});
