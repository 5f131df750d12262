import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { appRouter, type AppRouter } from "~/server/api/root";
import { trpcHandler } from "~/server/api/trpc-handler";
import { JSON_BODY_MAX_BYTES } from "~/server/http/read-body";
import { makeUser } from "~/test/factories";
import { isExpectedError } from "~/trpc/expected-error";

/**
 * The errors are the ones the browser's client makes of the real /api/trpc answers (the route's
 * handler, the app's router and error formatter), not hand-built shapes: what the predicate sees
 * in production.
 */
const ORIGIN = "http://localhost";
function clientAs(userId: string | null, alter: (init: RequestInit) => RequestInit = (init) => init) {
  const handler = trpcHandler({ router: appRouter, createContext: async ({ headers, requestId }) => ({ headers, userId, requestId }) });
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${ORIGIN}/api/trpc`,
        transformer: superjson,
        headers: { origin: ORIGIN },
        fetch: (url, init) => handler(new Request(url, alter(init as RequestInit))),
      }),
    ],
  });
}
const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable("the call should fail"),
    (error: unknown) => error,
  );
/** A path the router does not have, reached the way a stale client bundle would. */
const missing = (client: ReturnType<typeof clientAs>) =>
  (client as unknown as { billing: { gone: { query: () => Promise<unknown> } } }).billing.gone.query();

describe("isExpectedError: which failed calls stay out of the console", () => {
  it("a refusal of the app (an AppError's code) or a form's field errors is an outcome the UI shows", async () => {
    const signedOut = await failureOf(clientAs(null).org.list.query());
    expect(signedOut).toMatchObject({ data: { httpStatus: 401, appCode: "UNAUTHORIZED" } });
    expect(isExpectedError(signedOut)).toBe(true);

    const { user, organization } = await makeUser();
    const nul = await failureOf(clientAs(user.id).project.create.mutate({ orgId: organization.id, name: "a\u0000b" }));
    expect(nul).toMatchObject({ data: { httpStatus: 400, fieldErrors: { name: expect.any(Array) } } });
    expect(isExpectedError(nul)).toBe(true);
  });

  it("a 4xx no screen asks for (no such procedure, a body tRPC cannot parse, a wrong method, an oversized body) is logged", async () => {
    const { user } = await makeUser();
    const noProcedure = await failureOf(missing(clientAs(user.id)));
    expect(noProcedure).toMatchObject({ data: { httpStatus: 404, appCode: null, fieldErrors: null } });

    const unparsable = await failureOf(clientAs(user.id, (init) => ({ ...init, body: "{not json" })).org.create.mutate({ name: "x" }));
    expect(unparsable).toMatchObject({ data: { httpStatus: 400, appCode: null, fieldErrors: null } });

    const wrongMethod = await failureOf(
      (clientAs(user.id).org.create as unknown as { query: (input: unknown) => Promise<unknown> }).query({ name: "x" }),
    );
    expect(wrongMethod).toMatchObject({ data: { httpStatus: 405 } });

    const oversized = await failureOf(clientAs(user.id).org.create.mutate({ name: "x".repeat(JSON_BODY_MAX_BYTES + 1) }));
    for (const error of [noProcedure, unparsable, wrongMethod, oversized]) expect(isExpectedError(error), String(error)).toBe(false);
  });

  it("a network failure or any other error is logged", async () => {
    const offline = await failureOf(
      createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${ORIGIN}/api/trpc`, transformer: superjson, fetch: () => Promise.reject(new TypeError("Failed to fetch")) })],
      }).org.list.query(),
    );
    expect(offline).toBeInstanceOf(TRPCClientError);
    expect(isExpectedError(offline)).toBe(false);
    expect(isExpectedError(new Error("boom"))).toBe(false);
  });
});
