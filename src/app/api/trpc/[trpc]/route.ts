import { after } from "next/server";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { trpcHandler } from "~/server/api/trpc-handler";

const handler = trpcHandler({ router: appRouter, createContext: createTRPCContext, runAfterResponse: after });

export { handler as GET, handler as POST };
