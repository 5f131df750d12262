import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { authenticateTokenCached, createApiToken } from "~/server/auth/api-tokens";
import { registerUser } from "~/server/auth/register-user";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { AppError, errorBody } from "~/server/errors";
import { describeInvitation } from "~/server/orgs/invitations";
import { inviteMember } from "~/server/orgs/invite-member";
import type { Actor } from "~/server/orgs/memberships";
import { resendInvitation } from "~/server/orgs/resend-invitation";
import { revokeInvitation } from "~/server/orgs/revoke-invitation";
import { customerOf, makeOwner, subscribe, type Owner } from "~/test/billing";
import { makeUser } from "~/test/factories";
import { sdk } from "~/test/stripe";

const address = () => `invitee-${randomUUID()}@example.test`;
const callerOf = (userId: string) => createCaller({ headers: new Headers(), userId });

/** The AppError behind a rejected tRPC call. */
async function failure(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the call should have failed").toBeInstanceOf(TRPCError);
  const cause = (error as TRPCError).cause;
  expect(cause).toBeInstanceOf(AppError);
  return cause as AppError;
}

/** The AppError a service call (not through tRPC) rejects with. */
async function serviceFailure(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the call should have failed").toBeInstanceOf(AppError);
  return error as AppError;
}

const seats402 = (current: number, limit: number) => ({
  error: "Quota exceeded",
  message: `Your organization has reached its plan's limit of ${limit} team members. Upgrade now to add more.`,
  quota: { metric: "team_members", current, limit, percentage: Math.round((current / limit) * 10_000) / 100, limitType: "plan" },
  upgradeUrl: "/billing/upgrade",
});

/** The raw token of the link in the invitation's `send`-th email (the only place it exists). */
async function linkToken(invitationId: string, send = 1) {
  const row = await db.notification.findFirstOrThrow({ where: { dedupeKey: `invitation:${invitationId}:${send}` } });
  const match = /\/invitations\/([A-Za-z0-9_-]+)/.exec(row.text);
  expect(match, row.text).not.toBeNull();
  return match![1]!;
}

async function invite(o: Pick<Owner, "orgId" | "caller">, role: "ADMIN" | "MEMBER" = "MEMBER", email = address()) {
  const invitation = await o.caller.team.invite({ orgId: o.orgId, email, role });
  return { ...invitation, token: await linkToken(invitation.id) };
}

/** A registered user with the given address (and an org of their own). */
async function userWith(email: string) {
  const { user, token: ownOrgToken } = await registerUser({ email, password: "correct horse battery", name: "Invitee" });
  return { ...user, ownOrgToken, caller: callerOf(user.id) };
}

/** A member of `o`'s org with `role`, through an accepted invitation. */
async function joined(o: Pick<Owner, "orgId" | "caller">, role: "ADMIN" | "MEMBER" = "MEMBER") {
  const { email, token } = await invite(o, role);
  const user = await userWith(email);
  await user.caller.team.accept({ token });
  return user;
}

/** An API token of `userId` for `orgId`, resolved once so the actor cache holds it. */
async function cachedToken(userId: string, organizationId: string) {
  const { token } = await createApiToken({ userId, organizationId }, "member token");
  await authenticateTokenCached(token);
  return token;
}

const unauthorized = async (token: string) => expect((await serviceFailure(authenticateTokenCached(token))).httpStatus).toBe(401);

async function businessOwner() {
  const owner = await makeOwner("Team Owner");
  await subscribe(owner, undefined, "business");
  return owner;
}

describe("seats against the plan's team_members", () => {
  it("Free (1 seat) refuses the first invitation with the 402 body and writes nothing", async () => {
    const owner = await makeOwner();
    const email = address();
    const error = await failure(owner.caller.team.invite({ orgId: owner.orgId, email, role: "MEMBER" }));
    expect(error.httpStatus).toBe(402);
    expect(errorBody(error)).toEqual(seats402(1, 1));
    expect(await db.invitation.count({ where: { organizationId: owner.orgId } })).toBe(0);
    expect(await db.notification.count({ where: { recipient: email } })).toBe(0);
  });

  let pro: Owner;
  it("on Pro (5), five concurrent invitations at 4 seats used let exactly one through; the others get the 402 at 5 of 5", async () => {
    pro = await makeOwner("Pro Owner");
    await subscribe(pro);
    for (let i = 0; i < 3; i++) await invite(pro);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => pro.caller.team.invite({ orgId: pro.orgId, email: address(), role: "MEMBER" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(TRPCError);
      expect(errorBody((r.reason as TRPCError).cause as AppError)).toEqual(seats402(5, 5));
    }
    expect(await db.invitation.count({ where: { organizationId: pro.orgId } })).toBe(4);
    const usage = await pro.caller.usage.current({ orgId: pro.orgId });
    expect(usage).toEqual(expect.arrayContaining([expect.objectContaining({ metric: "team_members", current: 5, limit: 5 })]));
  });

  it("a downgrade below the seats in use keeps the members, honours issued invitations and blocks new ones", async () => {
    const [pending] = await pro.caller.team.invitations({ orgId: pro.orgId });
    const token = await linkToken(pending!.id);
    const joined = await registerUser({ email: pending!.email, password: "correct horse battery", name: "Joined", invitationToken: token });
    expect(joined.organization.id).toBe(pro.orgId);

    const sub = await db.subscription.findFirstOrThrow({ where: { organizationId: pro.orgId } });
    await sdk.subscriptions.cancel(sub.stripeSubscriptionId);
    await syncStripeCustomer(await customerOf(pro.orgId));

    const members = await pro.caller.team.members({ orgId: pro.orgId });
    expect(members.map((m) => m.user.email)).toEqual(expect.arrayContaining([pro.email, pending!.email]));
    const error = await failure(pro.caller.team.invite({ orgId: pro.orgId, email: address(), role: "MEMBER" }));
    expect(errorBody(error)).toEqual(seats402(5, 1));
    // Nor is an issued invitation renewed past the limit: the resend is refused and writes nothing.
    const [next] = await pro.caller.team.invitations({ orgId: pro.orgId });
    const resend = await failure(pro.caller.team.resend({ orgId: pro.orgId, invitationId: next!.id }));
    expect(errorBody(resend)).toEqual(seats402(5, 1));
    expect(await db.notification.count({ where: { recipient: next!.email } })).toBe(1);
    // An invitation issued before the downgrade still holds its seat and can be accepted (its first link still works).
    const invitee = await userWith(next!.email);
    await expect(invitee.caller.team.accept({ token: await linkToken(next!.id) })).resolves.toMatchObject({ organization: { id: pro.orgId }, role: "MEMBER" });
  });
});

describe("the invitation link", () => {
  let owner: Owner;
  beforeAll(async () => {
    owner = await businessOwner();
  });

  it("mails the invitee once per send, with the link and no token stored in clear", async () => {
    const { id, email, token } = await invite(owner, "ADMIN");
    const rows = await db.notification.findMany({ where: { recipient: email } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "invitation", organizationId: owner.orgId, dedupeKey: `invitation:${id}:1` });
    expect(rows[0]!.html).toContain(`/invitations/${token}`);
    const stored = await db.invitation.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * 86_400_000);
  });

  it("is single use, even for two accepts at once", async () => {
    const { email, token } = await invite(owner);
    const invitee = await userWith(email);
    const results = await Promise.allSettled([invitee.caller.team.accept({ token }), invitee.caller.team.accept({ token })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(((refused.reason as TRPCError).cause as AppError).details).toEqual({ reason: "invitation_accepted" });
    expect(await db.membership.count({ where: { organizationId: owner.orgId, userId: invitee.id } })).toBe(1);
    const again = await failure(invitee.caller.team.accept({ token }));
    expect([again.httpStatus, again.details.reason]).toEqual([404, "invitation_accepted"]);
  });

  it("expires after 7 days, and the address can be invited again", async () => {
    const { id, email, token } = await invite(owner);
    await db.invitation.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const invitee = await userWith(email);
    const error = await failure(invitee.caller.team.accept({ token }));
    expect([error.httpStatus, error.details.reason]).toEqual([404, "invitation_expired"]);
    // The same address can be invited again: the expired one is replaced.
    await expect(owner.caller.team.invite({ orgId: owner.orgId, email, role: "MEMBER" })).resolves.toMatchObject({ email });
    expect((await db.invitation.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
  });

  it("stops working once revoked", async () => {
    const { id, email, token } = await invite(owner);
    await owner.caller.team.revoke({ orgId: owner.orgId, invitationId: id });
    const error = await failure((await userWith(email)).caller.team.accept({ token }));
    expect(error.details.reason).toBe("invitation_revoked");
    expect((await owner.caller.team.invitations({ orgId: owner.orgId })).map((i) => i.id)).not.toContain(id);
  });

  it("resend mails a new link for a new 7 days and the old link stops working", async () => {
    const { id, email, token: first } = await invite(owner);
    await db.invitation.update({ where: { id }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    const resent = await owner.caller.team.resend({ orgId: owner.orgId, invitationId: id });
    expect(resent.expiresAt.getTime()).toBeGreaterThan(Date.now() + 7 * 86_400_000 - 60_000);
    const second = await linkToken(id, 2);
    expect(second).not.toBe(first);
    expect(await db.notification.count({ where: { recipient: email } })).toBe(2);
    const invitee = await userWith(email);
    expect((await failure(invitee.caller.team.accept({ token: first }))).details.reason).toBe("invitation_unknown");
    await expect(invitee.caller.team.accept({ token: second })).resolves.toMatchObject({ organization: { id: owner.orgId }, role: "MEMBER" });
  });

  it("is accepted only by the invited address", async () => {
    const { token } = await invite(owner);
    const other = await makeUser("Someone else");
    const error = await failure(callerOf(other.user.id).team.accept({ token }));
    expect([error.httpStatus, error.details.reason]).toEqual([403, "invitation_email_mismatch"]);
  });

  it("registering from it joins the org with the invited role and creates no org of one's own", async () => {
    const { email, token } = await invite(owner, "ADMIN");
    const created = await registerUser({ email, password: "correct horse battery", name: "New Admin", invitationToken: token });
    expect(created.organization.id).toBe(owner.orgId);
    const memberships = await db.membership.findMany({ where: { userId: created.user.id } });
    expect(memberships).toEqual([expect.objectContaining({ organizationId: owner.orgId, role: "ADMIN" })]);
  });

  it("registering with another address than the invited one writes nothing", async () => {
    const { token } = await invite(owner);
    const email = address();
    await expect(registerUser({ email, password: "correct horse battery", name: "Wrong", invitationToken: token })).rejects.toMatchObject({
      details: { reason: "invitation_email_mismatch" },
    });
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("registering with an unknown token is 404 invitation_unknown and writes nothing", async () => {
    const email = address();
    const error = await registerUser({ email, password: "correct horse battery", name: "Nobody", invitationToken: "not-a-token" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).httpStatus, (error as AppError).details.reason]).toEqual([404, "invitation_unknown"]);
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("the page's description tells pending, used and unknown links apart", async () => {
    const { email, token } = await invite(owner, "ADMIN");
    await expect(describeInvitation(token)).resolves.toMatchObject({ state: "pending", email, role: "ADMIN", organization: { id: owner.orgId } });
    await (await userWith(email)).caller.team.accept({ token });
    await expect(describeInvitation(token)).resolves.toMatchObject({ state: "accepted" });
    await expect(describeInvitation("unknown")).resolves.toBeNull();
  });

  it("refuses to invite a member (409 already_member) or an address invited already (409 already_invited)", async () => {
    const member = await failure(owner.caller.team.invite({ orgId: owner.orgId, email: owner.email, role: "MEMBER" }));
    expect([member.httpStatus, member.details.reason]).toEqual([409, "already_member"]);
    const { email } = await invite(owner);
    const twice = await failure(owner.caller.team.invite({ orgId: owner.orgId, email: ` ${email.toUpperCase()} `, role: "MEMBER" }));
    expect([twice.httpStatus, twice.details.reason]).toEqual([409, "already_invited"]);
  });
});

describe("roles", () => {
  let owner: Owner;
  let member: Awaited<ReturnType<typeof userWith>>;
  let admin: Awaited<ReturnType<typeof userWith>>;
  let invitationId: string;
  beforeAll(async () => {
    owner = await businessOwner();
    const m = await invite(owner, "MEMBER");
    member = await userWith(m.email);
    await member.caller.team.accept({ token: m.token });
    const a = await invite(owner, "ADMIN");
    admin = await userWith(a.email);
    await admin.caller.team.accept({ token: a.token });
    invitationId = (await invite(owner)).id;
  });

  it("a MEMBER cannot invite, list, revoke or resend invitations, change roles or remove members", async () => {
    const orgId = owner.orgId;
    const calls = [
      () => member.caller.team.invite({ orgId, email: address(), role: "MEMBER" }),
      () => member.caller.team.invitations({ orgId }),
      () => member.caller.team.revoke({ orgId, invitationId }),
      () => member.caller.team.resend({ orgId, invitationId }),
      () => member.caller.team.changeRole({ orgId, userId: member.id, role: "ADMIN" }),
      () => member.caller.team.removeMember({ orgId, userId: admin.id }),
    ];
    for (const call of calls) expect((await failure(call())).httpStatus).toBe(403);
    expect((await db.invitation.findUniqueOrThrow({ where: { id: invitationId } })).revokedAt).toBeNull();
  });

  it("a MEMBER sees the member list as name, email and role only", async () => {
    const members = await member.caller.team.members({ orgId: owner.orgId });
    expect(members).toHaveLength(3);
    for (const m of members) expect(Object.keys(m.user).sort()).toEqual(["email", "id", "name"]);
  });

  it("an ADMIN invites and lists invitations but cannot change roles or remove members", async () => {
    await expect(admin.caller.team.invite({ orgId: owner.orgId, email: address(), role: "ADMIN" })).resolves.toMatchObject({ role: "ADMIN" });
    expect((await admin.caller.team.invitations({ orgId: owner.orgId })).length).toBeGreaterThanOrEqual(2);
    expect((await failure(admin.caller.team.changeRole({ orgId: owner.orgId, userId: member.id, role: "ADMIN" }))).httpStatus).toBe(403);
    expect((await failure(admin.caller.team.removeMember({ orgId: owner.orgId, userId: member.id }))).httpStatus).toBe(403);
  });

  it("an invitation, a member or an org of another org is not reachable", async () => {
    const stranger = await businessOwner();
    const notFound = await failure(stranger.caller.team.revoke({ orgId: stranger.orgId, invitationId }));
    expect(notFound.httpStatus).toBe(404);
    expect((await failure(stranger.caller.team.resend({ orgId: stranger.orgId, invitationId }))).httpStatus).toBe(404);
    expect((await failure(stranger.caller.team.removeMember({ orgId: stranger.orgId, userId: member.id }))).httpStatus).toBe(404);
    expect((await failure(stranger.caller.team.invitations({ orgId: owner.orgId }))).httpStatus).toBe(403);
    expect((await db.invitation.findUniqueOrThrow({ where: { id: invitationId } })).revokedAt).toBeNull();
  });

  it("the last owner can neither leave, be removed nor be demoted; a member can leave", async () => {
    const orgId = owner.orgId;
    for (const call of [
      () => owner.caller.team.leave({ orgId }),
      () => owner.caller.team.removeMember({ orgId, userId: owner.user.id }),
      () => owner.caller.team.changeRole({ orgId, userId: owner.user.id, role: "ADMIN" }),
    ]) {
      const error = await failure(call());
      expect([error.httpStatus, error.details.reason]).toEqual([409, "last_owner"]);
    }
    await expect(member.caller.team.leave({ orgId })).resolves.toMatchObject({ left: true });
    expect(await db.membership.count({ where: { organizationId: orgId, userId: member.id } })).toBe(0);
  });

  it("two owners demoting each other at once leave exactly one owner", async () => {
    const orgId = owner.orgId;
    await owner.caller.team.changeRole({ orgId, userId: admin.id, role: "OWNER" });
    const results = await Promise.allSettled([
      owner.caller.team.changeRole({ orgId, userId: admin.id, role: "MEMBER" }),
      admin.caller.team.changeRole({ orgId, userId: owner.user.id, role: "MEMBER" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { organizationId: orgId, role: "OWNER" } })).toBe(1);
  });
});

describe("a seat frees on Pro at 5 of 5", () => {
  /** A Pro org with its owner and four pending invitations: 5 of 5 seats, one more invite is the 402. */
  async function proAtLimit() {
    const owner = await makeOwner("Full Pro Owner");
    await subscribe(owner);
    const invited = [];
    for (let i = 0; i < 4; i++) invited.push(await invite(owner));
    const refused = await failure(owner.caller.team.invite({ orgId: owner.orgId, email: address(), role: "MEMBER" }));
    expect(errorBody(refused)).toEqual(seats402(5, 5));
    return { owner, invited };
  }
  const inviteOneMore = (owner: Owner) =>
    expect(owner.caller.team.invite({ orgId: owner.orgId, email: address(), role: "MEMBER" })).resolves.toMatchObject({ role: "MEMBER" });

  it("when an invitation expires (a pending one, holding its seat, is resent at 5 of 5 before that)", async () => {
    const { owner, invited } = await proAtLimit();
    await expect(owner.caller.team.resend({ orgId: owner.orgId, invitationId: invited[1]!.id })).resolves.toMatchObject({ id: invited[1]!.id });
    await db.invitation.update({ where: { id: invited[0]!.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await inviteOneMore(owner);
    // The expired one needs a seat again to be renewed: none is left.
    expect(errorBody(await failure(owner.caller.team.resend({ orgId: owner.orgId, invitationId: invited[0]!.id })))).toEqual(seats402(5, 5));
  });

  it("when an invitation is revoked", async () => {
    const { owner, invited } = await proAtLimit();
    await owner.caller.team.revoke({ orgId: owner.orgId, invitationId: invited[0]!.id });
    await inviteOneMore(owner);
  });

  it("when a member is removed", async () => {
    const { owner, invited } = await proAtLimit();
    const member = await userWith(invited[0]!.email);
    await member.caller.team.accept({ token: invited[0]!.token });
    expect(errorBody(await failure(owner.caller.team.invite({ orgId: owner.orgId, email: address(), role: "MEMBER" })))).toEqual(seats402(5, 5));
    await owner.caller.team.removeMember({ orgId: owner.orgId, userId: member.id });
    expect(await db.membership.count({ where: { organizationId: owner.orgId, userId: member.id } })).toBe(0);
    await inviteOneMore(owner);
  });
});

describe("a member who is removed, leaves or changes role", () => {
  let owner: Owner;
  beforeAll(async () => {
    owner = await businessOwner();
  });

  it("a removed member's token is refused at once (though cached) and stays refused after they rejoin", async () => {
    const member = await joined(owner, "ADMIN");
    const token = await cachedToken(member.id, owner.orgId);
    await expect(authenticateTokenCached(token)).resolves.toEqual({ userId: member.id, organizationId: owner.orgId, role: "ADMIN" });
    await owner.caller.team.removeMember({ orgId: owner.orgId, userId: member.id });
    await unauthorized(token);
    expect(await db.apiToken.count({ where: { userId: member.id, organizationId: owner.orgId, revokedAt: null } })).toBe(0);
    // Their token for their own org is not touched.
    await expect(authenticateTokenCached(member.ownOrgToken)).resolves.toMatchObject({ userId: member.id, role: "OWNER" });

    const again = await invite(owner, "ADMIN", member.email);
    await member.caller.team.accept({ token: again.token });
    await unauthorized(token);
  });

  it("a member who leaves: their token for the org is refused at once", async () => {
    const member = await joined(owner);
    const token = await cachedToken(member.id, owner.orgId);
    await member.caller.team.leave({ orgId: owner.orgId });
    await unauthorized(token);
  });

  it("a role change reaches a cached token at once", async () => {
    const member = await joined(owner);
    const token = await cachedToken(member.id, owner.orgId);
    await owner.caller.team.changeRole({ orgId: owner.orgId, userId: member.id, role: "ADMIN" });
    await expect(authenticateTokenCached(token)).resolves.toMatchObject({ role: "ADMIN" });
    await owner.caller.team.changeRole({ orgId: owner.orgId, userId: member.id, role: "MEMBER" });
    await expect(authenticateTokenCached(token)).resolves.toMatchObject({ role: "MEMBER" });
  });

  it("removing an admin revokes the invitations they sent, in the same change", async () => {
    const admin = await joined(owner, "ADMIN");
    const sent = await invite({ orgId: owner.orgId, caller: admin.caller });
    const byOwner = await invite(owner);
    await owner.caller.team.removeMember({ orgId: owner.orgId, userId: admin.id });
    const error = await failure((await userWith(sent.email)).caller.team.accept({ token: sent.token }));
    expect([error.httpStatus, error.details.reason]).toEqual([404, "invitation_revoked"]);
    const open = (await owner.caller.team.invitations({ orgId: owner.orgId })).map((i) => i.id);
    expect(open).not.toContain(sent.id);
    expect(open).toContain(byOwner.id);
  });

  it("a demoted or removed admin's call in flight (role read before the change) cannot invite, resend or revoke (403)", async () => {
    const admin = await joined(owner, "ADMIN");
    const stale: Actor = { userId: admin.id, organizationId: owner.orgId, role: "ADMIN" };
    const pending = await invite(owner);
    await owner.caller.team.changeRole({ orgId: owner.orgId, userId: admin.id, role: "MEMBER" });
    const email = address();
    for (const call of [
      () => inviteMember(stale, { email, role: "MEMBER" }),
      () => resendInvitation(stale, pending.id),
      () => revokeInvitation(stale, pending.id),
    ]) {
      expect((await serviceFailure(call())).httpStatus).toBe(403);
    }
    await owner.caller.team.removeMember({ orgId: owner.orgId, userId: admin.id });
    expect((await serviceFailure(inviteMember(stale, { email, role: "MEMBER" }))).httpStatus).toBe(403);
    expect(await db.invitation.count({ where: { organizationId: owner.orgId, email } })).toBe(0);
    const unchanged = await db.invitation.findUniqueOrThrow({ where: { id: pending.id } });
    expect([unchanged.revokedAt, unchanged.sendCount]).toEqual([null, 1]);
  });
});

describe("the org's hourly invitation budget", () => {
  // rate-limit.ts's counter of `invitationSend` for the org.
  const sentThisHour = async (orgId: string) => Number((await kv.get(`ratelimit:invitationSend:${orgId}`)) ?? 0);

  it("counts only invitation emails sent: a 402 or a 409 uses none of it", async () => {
    const free = await makeOwner();
    for (let i = 0; i < 3; i++) expect((await failure(free.caller.team.invite({ orgId: free.orgId, email: address(), role: "MEMBER" }))).httpStatus).toBe(402);
    expect(await sentThisHour(free.orgId)).toBe(0);

    const owner = await businessOwner();
    const { id, email } = await invite(owner);
    expect(await sentThisHour(owner.orgId)).toBe(1);
    expect((await failure(owner.caller.team.invite({ orgId: owner.orgId, email, role: "MEMBER" }))).httpStatus).toBe(409);
    expect((await failure(owner.caller.team.invite({ orgId: owner.orgId, email: owner.email, role: "MEMBER" }))).httpStatus).toBe(409);
    expect(await sentThisHour(owner.orgId)).toBe(1);
    await owner.caller.team.resend({ orgId: owner.orgId, invitationId: id });
    expect(await sentThisHour(owner.orgId)).toBe(2);
  });
});
