import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { trpcHandler } from "~/server/api/trpc-handler";

const handler = trpcHandler({ router: appRouter, createContext: createTRPCContext });

export { handler as GET, handler as POST };
