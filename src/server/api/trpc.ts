/**
 * tRPC in three parts: 1. context, 2. initialisation (with the one AppError mapping),
 * 3. procedures — public, protected (signed in), org-scoped (membership resolved once),
 * org-admin (OWNER/ADMIN) and project-scoped.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { auth, moveSessionCookie } from "~/server/auth/config";
import { databaseBusyReason } from "~/server/db-errors";
import { AppError, fieldErrorsOf, INTERNAL_MESSAGE, isStripeError, toAppError } from "~/server/errors";
import { BILLING_ROLES, requireMembership, requireRole } from "~/server/orgs/memberships";
import { projectOrganizationId } from "~/server/projects/projects";
import { idInput } from "~/server/validation";

/* 1. Context */

export interface TRPCContext {
  headers: Headers;
  userId: string | null;
  /**
   * Names an HTTP request in the log and in its errors' `data.requestId` (see trpc-handler.ts).
   * Server-side callers (RSC, tests) have none: their errors are thrown, never formatted.
   */
  requestId?: string;
  /** The browser session's row (sessions.ts); absent for callers that have none. */
  sessionId?: string | null;
  /** Moves this browser's cookie to another session of its user (after a password change); true when it is signed in there. */
  moveSessionCookie?: (toSessionId: string) => Promise<boolean>;
}

export const createTRPCContext = async (opts: { headers: Headers; requestId?: string }): Promise<TRPCContext> => {
  const session = await auth();
  const userId = session?.user?.id ?? null;
  const sessionId = session?.sessionId ?? null;
  return {
    headers: opts.headers,
    userId,
    sessionId,
    requestId: opts.requestId,
    moveSessionCookie: async (to) => !!userId && !!sessionId && (await moveSessionCookie(userId, sessionId, to)),
  };
};

/* 2. Initialisation */

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  /**
   * A failure of ours (a 500 whose cause is not an AppError that chose its words, e.g. a database
   * error) reaches the client as INTERNAL_MESSAGE and the request id, without a stack: its message
   * can quote the query and the values. The log line under the same id keeps the detail.
   */
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const ours = error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof AppError && cause.code !== "INTERNAL");
    const { stack: _stack, ...dataWithoutStack } = shape.data;
    return {
      ...shape,
      message: ours ? INTERNAL_MESSAGE : shape.message,
      data: {
        ...(ours ? dataWithoutStack : shape.data),
        requestId: ctx?.requestId ?? null,
        appCode: cause instanceof AppError ? cause.code : null,
        // The guide's quota body ({quota, upgradeUrl, resetsAt}), so the UI can offer the upgrade.
        quota: cause instanceof AppError && cause.code === "PAYMENT_REQUIRED" && "quota" in cause.details ? cause.details : null,
        fieldErrors:
          cause instanceof ZodError ? fieldErrorsOf(cause) : cause instanceof AppError ? (cause.fieldErrors ?? null) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

/** Maps a domain AppError (or a Stripe error, or a busy database's 503) thrown anywhere below to its tRPC code, once for every procedure. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const thrown = result.ok ? undefined : result.error.cause;
  if (thrown instanceof AppError || isStripeError(thrown) || databaseBusyReason(thrown)) {
    const cause = toAppError(thrown);
    throw new TRPCError({ code: cause.trpcCode, message: cause.message, cause });
  }
  return result;
});

/* 3. Procedures */

export const publicProcedure = t.procedure.use(appErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new AppError("UNAUTHORIZED", "Sign in first.");
  return next({ ctx: { userId: ctx.userId } });
});

/** Every procedure that takes an `orgId` uses this: a non-member is FORBIDDEN before any query. */
export const orgProcedure = protectedProcedure
  .input(z.object({ orgId: idInput("Organization id") }))
  .use(async ({ ctx, input, next }) => next({ ctx: { actor: await requireMembership(ctx.userId, input.orgId) } }));

export const orgAdminProcedure = orgProcedure.use(({ ctx, next }) => {
  requireRole(ctx.actor, BILLING_ROLES);
  return next();
});

/** Procedures on one project: the project's org membership is resolved; foreign → NOT_FOUND. */
export const projectProcedure = protectedProcedure
  .input(z.object({ projectId: idInput("Project id") }))
  .use(async ({ ctx, input, next }) => {
    const orgId = await projectOrganizationId(input.projectId);
    const actor = await requireMembership(ctx.userId, orgId).catch(() => {
      throw new AppError("NOT_FOUND", "No such project.");
    });
    return next({ ctx: { actor } });
  });
