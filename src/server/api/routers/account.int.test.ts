import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createCaller } from "~/server/api/root";
import { verifyPassword } from "~/server/auth/password";
import { isSessionLive, startSession } from "~/server/auth/sessions";
import { verifyCredentials } from "~/server/auth/verify-credentials";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { AppError, fieldErrorsOf } from "~/server/errors";
import { makeUser } from "~/test/factories";

/** A user signed in on `browsers` browsers; the caller acts as the first. */
async function signedIn(browsers = 2) {
  const made = await makeUser();
  const sessions: string[] = [];
  for (let i = 0; i < browsers; i++) sessions.push(await startSession(made.user.id, 0, `Browser ${i}`));
  const moved: string[] = [];
  const caller = createCaller({
    headers: new Headers(),
    userId: made.user.id,
    sessionId: sessions[0],
    moveSessionCookie: async (to) => {
      moved.push(to);
      return true;
    },
  });
  return { ...made, sessions, caller, moved };
}

describe("account router: sessions", () => {
  it("lists the user's sessions with this device marked, and revokes another one", async () => {
    const { user, sessions, caller } = await signedIn(2);
    const list = await caller.account.sessions();
    expect(list.map((s) => [s.id, s.current]).sort()).toEqual([
      [sessions[0], true],
      [sessions[1], false],
    ].sort());

    expect(await caller.account.revokeSession({ sessionId: sessions[1]! })).toEqual({ signedOut: false });
    expect(await isSessionLive(sessions[1]!, user.id)).toBe(false);
    expect(await isSessionLive(sessions[0]!, user.id)).toBe(true);
    expect((await caller.account.sessions()).map((s) => s.id)).toEqual([sessions[0]]);
  });

  it("revoking this device's session says so", async () => {
    const { user, sessions, caller } = await signedIn(1);
    expect(await caller.account.revokeSession({ sessionId: sessions[0]! })).toEqual({ signedOut: true });
    expect(await isSessionLive(sessions[0]!, user.id)).toBe(false);
  });

  it("another user's session id is NOT_FOUND, and that session stays live", async () => {
    const me = await signedIn(1);
    const other = await signedIn(1);
    await expect(me.caller.account.revokeSession({ sessionId: other.sessions[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await isSessionLive(other.sessions[0]!, other.user.id)).toBe(true);
    expect((await me.caller.account.sessions()).map((s) => s.id)).not.toContain(other.sessions[0]);
  });

  it("a session id that cannot be an id (NUL, 60,000 characters) is BAD_REQUEST before any query", async () => {
    const me = await signedIn(1);
    for (const sessionId of ["a\u0000b", "x".repeat(60_000)]) {
      await expect(me.caller.account.revokeSession({ sessionId })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("signs out everywhere, this device included, and no one else", async () => {
    const me = await signedIn(3);
    const other = await signedIn(1);
    expect(await me.caller.account.signOutEverywhere()).toEqual({ ended: 3, signedOut: true });
    for (const id of me.sessions) expect(await isSessionLive(id, me.user.id)).toBe(false);
    expect(await isSessionLive(other.sessions[0]!, other.user.id)).toBe(true);
  });

  it("needs a signed-in user", async () => {
    const anonymous = createCaller({ headers: new Headers(), userId: null });
    await expect(anonymous.account.sessions()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.account.signOutEverywhere()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

/** The tRPC code and the field errors the error formatter sends for a failed call. */
async function failure(call: Promise<unknown>) {
  const error = (await call.then(
    () => expect.fail("the call succeeded"),
    (e: unknown) => e,
  )) as { code: string; cause?: unknown };
  const { cause } = error;
  const fieldErrors = cause instanceof ZodError ? fieldErrorsOf(cause) : cause instanceof AppError ? cause.fieldErrors : undefined;
  return { code: error.code, fieldErrors };
}

describe("account router: password change", () => {
  it("writes the new password, ends every session and moves this browser to a new one", async () => {
    const { user, password, sessions, caller, moved } = await signedIn(3);
    expect(await caller.account.changePassword({ currentPassword: password, newPassword: "a brand new password" })).toEqual({
      signedIn: true,
    });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(await verifyPassword("a brand new password", stored.passwordHash)).toBe(true);
    expect(await verifyPassword(password, stored.passwordHash)).toBe(false);

    // Every session before the change is over, this browser's too (a copy of its cookie is): this
    // browser goes on in the one new session, which carries its User-Agent.
    for (const id of sessions) expect(await isSessionLive(id, user.id)).toBe(false);
    expect(moved).toHaveLength(1);
    expect(await isSessionLive(moved[0]!, user.id)).toBe(true);
    const live = await db.authSession.findMany({ where: { userId: user.id, revokedAt: null }, select: { id: true, userAgent: true } });
    expect(live).toEqual([{ id: moved[0], userAgent: "Browser 0" }]);
  });

  it("a wrong current password is a field error and changes nothing", async () => {
    const { user, sessions, caller, moved } = await signedIn(2);
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(await failure(caller.account.changePassword({ currentPassword: "not the password", newPassword: "a brand new password" }))).toEqual({
      code: "BAD_REQUEST",
      fieldErrors: { currentPassword: ["The current password is incorrect."] },
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })).toEqual(before);
    for (const id of sessions) expect(await isSessionLive(id, user.id)).toBe(true);
    expect(moved).toEqual([]);
  });

  it("checks the new password as sign-up does, and refuses the current one again", async () => {
    const { password, caller } = await signedIn(1);
    expect(await failure(caller.account.changePassword({ currentPassword: password, newPassword: "short" }))).toEqual({
      code: "BAD_REQUEST",
      fieldErrors: { newPassword: ["Password must be at least 8 characters."] },
    });
    expect(await failure(caller.account.changePassword({ currentPassword: password, newPassword: password }))).toEqual({
      code: "BAD_REQUEST",
      fieldErrors: { newPassword: ["Choose a password different from the current one."] },
    });
  });

  it("caps guesses of the current password per user: once over, even the right one is refused", async () => {
    const { user, password, sessions, caller } = await signedIn(1);
    await kv.del(`auth:password-change-attempts:${user.id}`);
    const guesses = Array.from({ length: 8 }, (_, i) =>
      caller.account.changePassword({ currentPassword: `guess number ${i}`, newPassword: "a brand new password" }).catch((e: { code: string }) => e.code),
    );
    const codes = await Promise.all(guesses);
    // LOGIN_MAX_ATTEMPTS is 5 in the int tests (setup-env.ts).
    expect(codes.filter((c) => c === "BAD_REQUEST")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(3);
    await expect(caller.account.changePassword({ currentPassword: password, newPassword: "a brand new password" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    expect(await isSessionLive(sessions[0]!, user.id)).toBe(true);
    await kv.del(`auth:password-change-attempts:${user.id}`);
  });

  it("voids the user's outstanding reset links, and no one else's, in the same change", async () => {
    const { user, password, caller } = await signedIn(1);
    const other = await makeUser();
    const link = (userId: string) =>
      db.passwordResetToken.create({
        data: { userId, tokenHash: randomUUID().replace(/-/g, "").padEnd(64, "0"), expiresAt: new Date(Date.now() + 3600_000) },
        select: { id: true },
      });
    const [mine, theirs] = await Promise.all([link(user.id), link(other.user.id)]);
    await caller.account.changePassword({ currentPassword: password, newPassword: "a brand new password" });
    expect(await db.passwordResetToken.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ usedAt: expect.any(Date) });
    expect(await db.passwordResetToken.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ usedAt: null });
  });

  it("a sign-in that checked the old password before the change committed starts no session", async () => {
    const { user, email, password, caller } = await signedIn(1);
    const checked = await verifyCredentials(email, password, new Headers());
    await caller.account.changePassword({ currentPassword: password, newPassword: "a brand new password" });
    const before = await db.authSession.count({ where: { userId: user.id } });
    await expect(startSession(user.id, checked.sessionEpoch, "late browser")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(before);
  });

  it("needs this browser's session: a caller without one cannot change the password", async () => {
    const { user, password } = await makeUser();
    const caller = createCaller({ headers: new Headers(), userId: user.id });
    await expect(caller.account.changePassword({ currentPassword: password, newPassword: "a brand new password" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

describe("account router: email preferences", () => {
  it("turns the user's own usage alert emails off and on again, and no one else's", async () => {
    const me = await signedIn(1);
    const other = await signedIn(1);
    expect(await me.caller.account.emailPreferences()).toEqual({ usageAlertEmails: true });
    expect(await me.caller.account.setUsageAlertEmails({ enabled: false })).toEqual({ usageAlertEmails: false });
    expect(await me.caller.account.emailPreferences()).toEqual({ usageAlertEmails: false });
    expect(await other.caller.account.emailPreferences()).toEqual({ usageAlertEmails: true });
    expect(await me.caller.account.setUsageAlertEmails({ enabled: true })).toEqual({ usageAlertEmails: true });
    expect(await db.user.findUniqueOrThrow({ where: { id: me.user.id }, select: { usageAlertEmails: true } })).toEqual({ usageAlertEmails: true });
  });
});
