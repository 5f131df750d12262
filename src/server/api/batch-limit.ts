/**
 * The most calls one tRPC request may batch: the server refuses more (400) and the browser's link
 * splits a larger batch into several requests, so the app itself never hits the limit. Imported
 * by the client bundle (src/trpc/react.tsx): keep this file free of server code.
 */
export const TRPC_MAX_BATCH_SIZE = 10;
