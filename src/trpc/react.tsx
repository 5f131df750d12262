"use client";

import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, loggerLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import superjson from "superjson";
import { TRPC_MAX_BATCH_SIZE } from "~/server/api/batch-limit";
import type { AppRouter } from "~/server/api/root";
import { isExpectedError } from "./expected-error";
import { createQueryClient } from "./query-client";

let clientQueryClientSingleton: QueryClient | undefined;
const getQueryClient = () => {
  if (typeof window === "undefined") return createQueryClient();
  return (clientQueryClientSingleton ??= createQueryClient());
};

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

const trpcHeaders = () => ({ "x-trpc-source": "nextjs-react" });

export function TRPCReactProvider(props: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) => op.direction === "down" && op.result instanceof Error && !isExpectedError(op.result),
        }),
        // Mutations are not streamed: a streamed answer sends its headers before the procedure
        // ends, so a mutation could not set a cookie (the password change moves the session's).
        splitLink({
          condition: (op) => op.type === "mutation",
          true: httpBatchLink({ transformer: superjson, url: "/api/trpc", maxItems: TRPC_MAX_BATCH_SIZE, headers: trpcHeaders }),
          false: httpBatchStreamLink({ transformer: superjson, url: "/api/trpc", maxItems: TRPC_MAX_BATCH_SIZE, headers: trpcHeaders }),
        }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {props.children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
