import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { changePassword, changePasswordInput } from "~/server/auth/change-password";
import { endAllSessions, endSessionOf, listSessions } from "~/server/auth/sessions";
import { AppError } from "~/server/errors";
import { emailPreferences, setUsageAlertEmails } from "~/server/notifications/email-preferences";
import { idInput } from "~/server/validation";

/** The signed-in user's own account: their browser sessions, password and email preferences. Always scoped by ctx.userId. */
export const accountRouter = createTRPCRouter({
  sessions: protectedProcedure.query(({ ctx }) => listSessions(ctx.userId, ctx.sessionId ?? null)),
  /** `signedOut`: the session ended was the asking browser's own. */
  revokeSession: protectedProcedure.input(z.object({ sessionId: idInput("Session id") })).mutation(async ({ ctx, input }) => {
    await endSessionOf(ctx.userId, input.sessionId);
    return { signedOut: input.sessionId === ctx.sessionId };
  }),
  /** Ends every session of the user, the asking browser's included. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => ({ ended: await endAllSessions(ctx.userId), signedOut: true })),
  /**
   * Ends every session (copies of this browser's cookie included) and moves this browser to a new
   * one. `signedIn` false: the password changed but the cookie could not be moved; sign in again.
   */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    if (!ctx.sessionId) throw new AppError("UNAUTHORIZED", "Sign in in a browser to change the password.");
    const { sessionId } = await changePassword(ctx.userId, ctx.sessionId, input);
    return { signedIn: (await ctx.moveSessionCookie?.(sessionId)) ?? false };
  }),
  /** Usage alert emails (80 % / 100 % of a limit or budget) on or off; payment emails always go. */
  emailPreferences: protectedProcedure.query(({ ctx }) => emailPreferences(ctx.userId)),
  setUsageAlertEmails: protectedProcedure
    .input(z.object({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUsageAlertEmails(ctx.userId, input.enabled)),
});
