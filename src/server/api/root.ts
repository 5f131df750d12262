import { accountRouter } from "~/server/api/routers/account";
import { billingRouter } from "~/server/api/routers/billing";
import { chatRouter } from "~/server/api/routers/chat";
import { invoicesRouter } from "~/server/api/routers/invoices";
import { notificationsRouter } from "~/server/api/routers/notifications";
import { orgRouter } from "~/server/api/routers/org";
import { projectRouter } from "~/server/api/routers/project";
import { teamRouter } from "~/server/api/routers/team";
import { tokenRouter } from "~/server/api/routers/token";
import { usageRouter } from "~/server/api/routers/usage";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  billing: billingRouter,
  chat: chatRouter,
  invoices: invoicesRouter,
  notifications: notificationsRouter,
  org: orgRouter,
  project: projectRouter,
  team: teamRouter,
  token: tokenRouter,
  usage: usageRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
