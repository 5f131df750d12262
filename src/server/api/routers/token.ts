import { z } from "zod";
import { createTRPCRouter, orgProcedure } from "~/server/api/trpc";
import { createApiToken, listApiTokens, revokeApiToken } from "~/server/auth/api-tokens";

export const tokenRouter = createTRPCRouter({
  list: orgProcedure.query(({ ctx }) => listApiTokens(ctx.actor)),
  /** Returns the token in plain text this once; only its hash is kept. */
  create: orgProcedure
    .input(z.object({ name: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) => createApiToken(ctx.actor, input.name)),
  revoke: orgProcedure
    .input(z.object({ tokenId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiToken(ctx.actor, input.tokenId);
      return { revoked: true };
    }),
});
