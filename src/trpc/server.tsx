import "server-only";

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";
import { appRouter, createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { createQueryClient } from "./query-client";

const createContext = cache(async () => {
  const heads = new Headers(await headers());
  heads.set("x-trpc-source", "rsc");
  return createTRPCContext({ headers: heads });
});

export const getQueryClient = cache(createQueryClient);

/** RSC prefetch: `void getQueryClient().prefetchQuery(trpc.project.list.queryOptions({orgId}))`, then `<HydrateClient>`. */
export const trpc = createTRPCOptionsProxy({ router: appRouter, ctx: createContext, queryClient: getQueryClient });

export const api = cache(async () => createCaller(await createContext()));

export function HydrateClient(props: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{props.children}</HydrationBoundary>;
}
