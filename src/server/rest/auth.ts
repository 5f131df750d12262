import { z } from "zod";
import { env } from "~/env";
import { createApiToken, tokenExpiryInput } from "~/server/auth/api-tokens";
import { registerInput, registerUser } from "~/server/auth/register-user";
import { limitPasswordResetRequests, passwordResetRequestInput, requestPasswordReset } from "~/server/auth/request-password-reset";
import { resetPassword, resetPasswordInput } from "~/server/auth/reset-password";
import { verifyCredentials } from "~/server/auth/verify-credentials";
import { listMemberships, requireMembership } from "~/server/orgs/memberships";
import { AppError } from "~/server/errors";
import { clientAddress, UNKNOWN_CLIENT } from "~/server/http/client-address";
import { requireSameOrigin } from "~/server/http/request-guards";
import type { RunAfterResponse } from "~/server/http/run-after-response";
import { logger } from "~/server/logger";
import { sendEnqueuedNotifications } from "~/server/notifications/after-response";
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
  // Minted only if no password reset or change committed since the check (session-epoch.ts).
  const created = await createApiToken(actor, input.name ?? "Issued by /api/auth/token", input.expiresInDays ?? null, { sessionEpoch: user.sessionEpoch });
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

/** The one answer to every accepted reset request: it never says whether the account exists. */
export const PASSWORD_RESET_REQUESTED = {
  ok: true,
  message: "If an account uses this email, we have sent it a link to choose a new password. The link expires in an hour.",
} as const;

/**
 * POST /api/auth/password-reset {email} → 202 with the same body for any email; 429 past the
 * limits per client and per email. The token and its email are written after the answer, so the
 * answer's time does not tell a known email from an unknown one either; the email goes out right
 * after (the outbox job is the backstop).
 */
export const requestPasswordResetRoute = (runAfterResponse: RunAfterResponse) =>
  jsonRoute(async (req) => {
    requireSameOrigin(req, env.APP_URL);
    const { email } = await readJson(req, passwordResetRequestInput);
    await limitPasswordResetRequests(email, clientAddress(req.headers, env.TRUSTED_PROXY_COUNT));
    runAfterResponse(() =>
      requestPasswordReset(email)
        .then(sendEnqueuedNotifications)
        .catch((error: unknown) => logger.error("password reset: the request could not be written", { error })),
    );
    return Response.json(PASSWORD_RESET_REQUESTED, { status: 202 });
  });

/**
 * POST /api/auth/password-reset/complete {token,password} → 200 {email}: the password is set and
 * every session of the user has ended; 400 `reset_link_invalid` for a used, expired or unknown link.
 */
export const completePasswordResetRoute = jsonRoute(async (req) => {
  requireSameOrigin(req, env.APP_URL);
  const input = await readJson(req, resetPasswordInput);
  const { email } = await resetPassword(input);
  return Response.json({ ok: true, email });
});
