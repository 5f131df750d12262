import { env } from "~/env";
import { authenticateTokenCached, parseBearer } from "~/server/auth/api-tokens";
import { auth } from "~/server/auth/config";
import { isWrite, requireSameOrigin } from "~/server/http/request-guards";
import { listMemberships, requireMembership, type Actor } from "~/server/orgs/memberships";
import { AppError } from "~/server/errors";
import { idInput } from "~/server/validation";

export const ORG_HEADER = "x-organization-id";

/**
 * The actor of a REST request: a bearer token names its user and org (resolved from Redis for up to 30 s,
 * see token-actor-cache.ts); a browser session acts
 * in the org named by the X-Organization-Id header, or the user's first organization.
 * A write on the session must come from the app's own origin (403 otherwise): the browser sends
 * the cookie with whatever another page of the same site posts. A bearer token is never sent by
 * the browser on its own, so token requests need no Origin.
 */
export async function requestActor(req: Request): Promise<Actor> {
  const bearer = parseBearer(req.headers.get("authorization"));
  if (bearer) return authenticateTokenCached(bearer);
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) throw new AppError("UNAUTHORIZED", "Sign in or send Authorization: Bearer <token>.");
  if (isWrite(req)) requireSameOrigin(req, env.APP_URL);
  const orgHeader = req.headers.get(ORG_HEADER);
  if (orgHeader !== null) {
    const orgId = idInput(ORG_HEADER).safeParse(orgHeader);
    if (!orgId.success) throw new AppError("BAD_REQUEST", `${ORG_HEADER} is not an organization id.`, { details: { reason: "invalid_organization_id" } });
    return requireMembership(userId, orgId.data);
  }
  const [first] = await listMemberships(userId);
  if (!first) throw new AppError("FORBIDDEN", "You are not a member of any organization.");
  return { userId, organizationId: first.organization.id, role: first.role };
}
