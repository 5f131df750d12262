import { z } from "zod";
import { env } from "~/env";
import { createApiToken, tokenExpiryInput } from "~/server/auth/api-tokens";
import { registerInput, registerUser } from "~/server/auth/register-user";
import { verifyCredentials } from "~/server/auth/verify-credentials";
import { listMemberships, requireMembership } from "~/server/orgs/memberships";
import { AppError } from "~/server/errors";
import { clientAddress, UNKNOWN_CLIENT } from "~/server/http/client-address";
import { enforceRateLimit } from "~/server/security/rate-limit";
import { jsonRoute, readJson } from "~/server/rest/json-route";
import { boundedText, emailInput, idInput, signInPasswordInput } from "~/server/validation";

/** POST /api/auth/register {email,password,name[,invitationToken]} → 201 {user, organization, token}; 429 past the hourly rate per client. */
export const register = jsonRoute(async (req) => {
  const input = await readJson(req, registerInput);
  const client = clientAddress(req.headers, env.TRUSTED_PROXY_COUNT);
  // Without an address to tell clients apart the limit would be one for the whole site; the
  // per-user limits on what an account creates still hold.
  if (client !== UNKNOWN_CLIENT) await enforceRateLimit("register", client);
  return Response.json(await registerUser(input), { status: 201 });
});

const tokenInput = z.object({
  email: emailInput,
  password: signInPasswordInput,
  name: boundedText(100, "Name").optional(),
  organizationId: idInput("Organization id").optional(),
  /** Omitted or null: the token works until revoked (what callers got before expiry existed). */
  expiresInDays: tokenExpiryInput.optional(),
});

/** POST /api/auth/token {email,password[,organizationId,name,expiresInDays]} → 201 {token, organizationId, expiresAt, …}. */
export const issueToken = jsonRoute(async (req) => {
  const input = await readJson(req, tokenInput);
  const user = await verifyCredentials(input.email, input.password, req.headers);
  const actor = input.organizationId
    ? await requireMembership(user.id, input.organizationId)
    : await firstMembership(user.id);
  const created = await createApiToken(actor, input.name ?? "Issued by /api/auth/token", input.expiresInDays ?? null);
  return Response.json(
    { token: created.token, id: created.id, prefix: created.prefix, organizationId: actor.organizationId, expiresAt: created.expiresAt },
    { status: 201 },
  );
});

async function firstMembership(userId: string) {
  const [first] = await listMemberships(userId);
  if (!first) throw new AppError("FORBIDDEN", "You are not a member of any organization.");
  return { userId, organizationId: first.organization.id, role: first.role };
}
