import { z } from "zod";
import { createTRPCRouter, orgProcedure } from "~/server/api/trpc";
import { createApiToken, listApiTokens, revokeApiToken, tokenExpiryInput } from "~/server/auth/api-tokens";
import { boundedText, idInput } from "~/server/validation";

export const tokenRouter = createTRPCRouter({
  list: orgProcedure.query(({ ctx }) => listApiTokens(ctx.actor)),
  /** Returns the token in plain text this once; only its hash is kept. No `expiresInDays`: it never expires. */
  create: orgProcedure
    .input(z.object({ name: boundedText(100, "Name"), expiresInDays: tokenExpiryInput.default(null) }))
    .mutation(({ ctx, input }) => createApiToken(ctx.actor, input.name, input.expiresInDays)),
  revoke: orgProcedure
    .input(z.object({ tokenId: idInput("Token id") }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiToken(ctx.actor, input.tokenId);
      return { revoked: true };
    }),
});
