/**
 * What every invitation action shares: the link's token (only its SHA-256 is stored), the 7-day
 * life, the email, and the reads. An invitation's state is derived, never stored: pending,
 * expired, accepted (used) or revoked.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { env } from "~/env";
import type { Prisma } from "~/generated/prisma/client";
import { hashToken } from "~/server/auth/token-format";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { invitation as invitationTemplate, type InvitationProps } from "~/server/notifications/templates/invitation";
import type { Actor } from "~/server/orgs/memberships";
import { enforceRateLimit } from "~/server/security/rate-limit";

export const INVITATION_TTL_MS = 7 * 86_400_000;
export const INVITABLE_ROLES = ["ADMIN", "MEMBER"] as const;
export const invitableRole = z.enum(INVITABLE_ROLES, { error: "Role must be ADMIN or MEMBER." });

/** 32 random bytes; the raw token lives only in the emailed link. */
export function newInvitationToken() {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

export const invitationUrl = (token: string) => `${env.APP_URL}/invitations/${encodeURIComponent(token)}`;

export type InvitationState = "pending" | "expired" | "accepted" | "revoked";
export function invitationState(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now = new Date()): InvitationState {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  return i.expiresAt <= now ? "expired" : "pending";
}

/** Why a link cannot be used, in words for the invitee (the API's message and the page's). */
export const INVITATION_REFUSALS: Record<Exclude<InvitationState, "pending"> | "unknown", string> = {
  unknown: "This invitation link is not valid. Check that you opened the whole link from the email.",
  expired: "This invitation has expired. Ask the person who invited you to send a new one.",
  accepted: "This invitation has already been used.",
  revoked: "This invitation was revoked. Ask the person who invited you if you still need access.",
};

/** The 4xx for a link that cannot be used: 404 with `reason` (unknown, expired, accepted, revoked). */
export const invitationUnusable = (reason: keyof typeof INVITATION_REFUSALS) =>
  new AppError("NOT_FOUND", INVITATION_REFUSALS[reason], { title: "Invitation not usable", details: { reason: `invitation_${reason}` } });

/** An invitation of the actor's org by id; another org's invitation is NOT_FOUND, never revealed. */
export async function requireOrgInvitation(tx: Prisma.TransactionClient, actor: Actor, invitationId: string) {
  const found = await tx.invitation.findFirst({ where: { id: invitationId, organizationId: actor.organizationId } });
  if (!found) throw new AppError("NOT_FOUND", "No such invitation.");
  return found;
}

/**
 * Counts one invitation email against the org's hourly budget (`invitationSend`, 429 past it).
 * Call inside the invite's or resend's transaction after every refusal (403, 409, 402), just
 * before the email is enqueued, so only emails actually sent use the budget; under the org's
 * members lock, so concurrent sends are counted one after the other.
 */
export const countInvitationEmail = (organizationId: string) => enforceRateLimit("invitationSend", organizationId);

/** Writes the invitation's email to the outbox in the caller's transaction; one per send. */
export async function enqueueInvitationEmail(
  tx: Prisma.TransactionClient,
  invitation: { id: string; organizationId: string; email: string; role: "ADMIN" | "MEMBER" | "OWNER"; expiresAt: Date; sendCount: number; invitedById: string | null },
  token: string,
) {
  const [organization, inviter] = await Promise.all([
    tx.organization.findUniqueOrThrow({ where: { id: invitation.organizationId }, select: { name: true } }),
    invitation.invitedById ? tx.user.findUnique({ where: { id: invitation.invitedById }, select: { name: true } }) : null,
  ]);
  await enqueueEmail<InvitationProps>(tx, {
    organizationId: invitation.organizationId,
    // The body holds the link's raw token: redacted once final, sent without click tracking; the
    // invitee is waiting for it, so it goes even to an address suppressed by an earlier bounce.
    sensitive: true,
    userInitiated: true,
    template: invitationTemplate,
    props: {
      organizationName: organization.name,
      inviterName: inviter?.name ?? "A teammate",
      role: invitation.role === "ADMIN" ? "ADMIN" : "MEMBER",
      acceptUrl: invitationUrl(token),
      expiresAt: invitation.expiresAt.toISOString(),
    },
    dedupeKey: `invitation:${invitation.id}:${invitation.sendCount}`,
    recipients: [invitation.email],
  });
}

/** The org's invitations still open (pending or expired, not used or revoked), newest first. OWNER/ADMIN only (the router's check). */
export async function listInvitations(actor: Actor, now = new Date()) {
  const rows = await db.invitation.findMany({
    where: { organizationId: actor.organizationId, acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, acceptedAt: true, revokedAt: true, invitedBy: { select: { name: true } } },
  });
  return rows.map(({ acceptedAt: _a, revokedAt: _r, invitedBy, ...row }) => ({
    ...row,
    invitedBy: invitedBy?.name ?? null,
    expired: row.expiresAt <= now,
  }));
}

/**
 * What the invitation page shows for a raw token: the org, the inviter, the role and the address,
 * with the state. Anyone holding the link sees this much (it was sent to that address).
 */
export async function describeInvitation(token: string, now = new Date()) {
  const found = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      organization: { select: { id: true, name: true } },
      invitedBy: { select: { name: true } },
    },
  });
  if (!found) return null;
  return {
    state: invitationState(found, now),
    email: found.email,
    role: found.role,
    expiresAt: found.expiresAt,
    organization: found.organization,
    inviterName: found.invitedBy?.name ?? null,
  };
}
