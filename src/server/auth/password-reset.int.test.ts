import { createHash, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { createApiToken } from "~/server/auth/api-tokens";
import { passwordResetRateKey } from "~/server/auth/request-password-reset";
import { isResetLinkLive } from "~/server/auth/reset-password";
import { requireSessionEpoch } from "~/server/auth/session-epoch";
import { isSessionLive, newSession, startSession } from "~/server/auth/sessions";
import { kv } from "~/server/clients/redis";
import { REDACTED_HTML, REDACTED_TEXT } from "~/server/notifications/send";
import { verifyCredentials } from "~/server/auth/verify-credentials";
import { PASSWORD_RESET_REQUESTED, completePasswordResetRoute, requestPasswordResetRoute } from "~/server/rest/auth";
import { makeUser } from "~/test/factories";
import { importWithEnv, sendGridStandIn } from "~/test/sendgrid";

// The request's email is sent by draining the outbox: this file has a database of its own, so it
// sends (and counts) no other file's rows.
await vi.hoisted(async () => {
  await (await import("~/test/isolated-billing")).startIsolatedBilling("password_reset");
});

const standIn = sendGridStandIn();
beforeEach(() => standIn.reset());

const APP_ORIGIN = new URL(env.APP_URL).origin;
/** What the app's own pages send: JSON from our origin, optionally from a client address of its own. */
function post(path: string, body: unknown, opts: { origin?: string; client?: string } = {}) {
  const headers = new Headers({ "content-type": "application/json", origin: opts.origin ?? APP_ORIGIN });
  if (opts.client) headers.set("x-forwarded-for", opts.client);
  return new Request(`http://localhost${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

/** The request route with Next's after() as a list this test runs when it likes. */
async function requestReset(email: string, opts: { client?: string } = {}) {
  const after: (() => Promise<unknown>)[] = [];
  const res = await requestPasswordResetRoute((task) => after.push(task))(post("/api/auth/password-reset", { email }, opts));
  return { res, body: (await res.json()) as unknown, runAfter: () => Promise.all(after.map((task) => task())) };
}

const complete = (token: string, password: string, origin?: string) =>
  completePasswordResetRoute(post("/api/auth/password-reset/complete", { token, password }, { origin }));

/** Asks for a reset, lets the email go out, and returns the link's token as the mailbox shows it. */
async function emailedToken(email: string) {
  const { runAfter } = await requestReset(email);
  await runAfter();
  const [message] = standIn.messages(email).slice(-1);
  const link = new RegExp(`${APP_ORIGIN}/reset-password/([A-Za-z0-9_-]+)`).exec(message?.text ?? "");
  if (!link) throw new Error(`no reset link in the mailbox of ${email}`);
  return link[1]!;
}

const NEW_PASSWORD = "a brand new passphrase";

describe("requesting a password reset", () => {
  it("answers a known and an unknown email identically; only the known one gets a token and an email", async () => {
    const known = await makeUser("Grace Hopper");
    const unknown = `nobody-${randomUUID()}@example.test`;
    const a = await requestReset(known.email.toUpperCase());
    const b = await requestReset(unknown);
    expect([a.res.status, b.res.status]).toEqual([202, 202]);
    expect(a.body).toEqual(PASSWORD_RESET_REQUESTED);
    expect(b.body).toEqual(a.body);
    expect([...a.res.headers.keys()].sort()).toEqual([...b.res.headers.keys()].sort());
    // Nothing is written before the answer: its time cannot tell the two apart.
    expect(await db.passwordResetToken.count({ where: { userId: known.user.id } })).toBe(0);

    await Promise.all([a.runAfter(), b.runAfter()]);
    const rows = await db.passwordResetToken.findMany({ where: { userId: known.user.id } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.usedAt).toBeNull();
    const ttl = row.expiresAt.getTime() - row.createdAt.getTime();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    expect(standIn.messages(unknown)).toEqual([]);
    const [message] = standIn.messages(known.email);
    expect(message?.subject).toBe("Reset your VantFlow password");
    const token = /\/reset-password\/([A-Za-z0-9_-]+)/.exec(message!.html!)![1]!;
    // Stored hashed: the raw token is in the email alone.
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(token);
    expect(await db.notification.findFirst({ where: { dedupeKey: `password-reset:${row.id}` } })).toMatchObject({ status: "SENT", kind: "password-reset" });
    expect(await isResetLinkLive(token)).toBe(true);
  });

  it("refuses a request from another origin (403) and a bad email (400)", async () => {
    const foreign = await requestPasswordResetRoute(() => {})(post("/api/auth/password-reset", { email: "a@example.test" }, { origin: "https://evil.example" }));
    expect(foreign.status).toBe(403);
    const bad = await requestPasswordResetRoute(() => {})(post("/api/auth/password-reset", { email: "not an email" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ fieldErrors: { email: expect.any(Array) } });
  });

  it("limits requests per email (known or not, alike) and per client address: 429 with Retry-After", async () => {
    const known = await makeUser();
    // Clients of this run's own (a /64 each: clientAddress counts IPv6 by it): the counters live in Redis, which outlives the run.
    const run = randomUUID().slice(0, 4);
    for (const email of [known.email, `nobody-${randomUUID()}@example.test`]) {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await requestReset(email, { client: `2001:db8:${run}:${i + 1}::1` })).res.status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    }
    const client = `2001:db8:${run}:ff::1`;
    const fromOne = [];
    for (let i = 0; i < 11; i++) fromOne.push(await requestReset(`spray-${i}-${randomUUID()}@example.test`, { client }));
    expect(fromOne.map((r) => r.res.status)).toEqual([...Array<number>(10).fill(202), 429]);
    expect(fromOne[10]!.res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(fromOne[10]!.body).toMatchObject({ code: "RATE_LIMITED", reason: "passwordResetClient_rate_limited" });
  });
  it("counts requests per email under an HMAC of the address keyed with AUTH_SECRET, not its bare hash", async () => {
    const email = `counted-${randomUUID()}@example.test`;
    await requestReset(email, { client: `2001:db8:${randomUUID().slice(0, 4)}:aa::1` });
    const key = passwordResetRateKey(email);
    expect(await kv.get(`ratelimit:passwordResetEmail:${key}`)).toBe("1");
    // A bare SHA-256 would let whoever reads the counters test guessed addresses against them.
    expect(key).not.toBe(createHash("sha256").update(email).digest("hex").slice(0, 32));
    const other = await importWithEnv({ AUTH_SECRET: "another-auth-secret-another-auth-secret-0123" }, () => import("~/server/auth/request-password-reset"));
    expect(other.passwordResetRateKey(email)).not.toBe(key);
    expect(passwordResetRateKey(email.replace("counted", "other"))).not.toBe(key);
  });

  it("sends the email to a suppressed address too, with click tracking off, and redacts its body once sent", async () => {
    const u = await makeUser();
    await db.emailSuppression.create({ data: { email: u.email, reason: "bounce", lastEventAt: new Date() } });
    // emailedToken throws when the mailbox has no link: the suppression did not hold the email back.
    const token = await emailedToken(u.email);
    const [message] = standIn.messages(u.email);
    expect(message!.trackingSettings).toEqual({ click_tracking: { enable: false, enable_text: false } });
    expect(message!.mailSettings).toEqual({ bypass_bounce_management: { enable: true }, bypass_spam_management: { enable: true } });
    const row = await db.notification.findFirstOrThrow({ where: { recipient: u.email, kind: "password-reset" } });
    expect(row).toMatchObject({ status: "SENT", sensitive: true, userInitiated: true, html: REDACTED_HTML, text: REDACTED_TEXT });
    expect(JSON.stringify(row)).not.toContain(token);
  });
});

describe("completing a password reset", () => {
  it("sets the password, ends every session of the user and works once", async () => {
    const u = await makeUser();
    const sessions = await Promise.all([startSession(u.user.id, 0, "laptop"), startSession(u.user.id, 0, "phone")]);
    const bystander = await makeUser();
    const theirs = await startSession(bystander.user.id, 0, "their laptop");
    const token = await emailedToken(u.email);

    const res = await complete(token, NEW_PASSWORD);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, email: u.email });

    for (const id of sessions) expect(await db.authSession.findUniqueOrThrow({ where: { id } })).toMatchObject({ revokedAt: expect.any(Date) });
    expect(await isSessionLive(theirs, bystander.user.id)).toBe(true);
    await expect(verifyCredentials(u.email, u.password, new Headers())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await verifyCredentials(u.email, NEW_PASSWORD, new Headers())).toMatchObject({ id: u.user.id });

    const again = await complete(token, "yet another passphrase");
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: "BAD_REQUEST", reason: "reset_link_invalid" });
    expect(await isResetLinkLive(token)).toBe(false);
    expect(await verifyCredentials(u.email, NEW_PASSWORD, new Headers())).toMatchObject({ id: u.user.id });
  });

  it("5 concurrent submits of one link: exactly one succeeds", async () => {
    const u = await makeUser();
    const token = await emailedToken(u.email);
    const passwords = Array.from({ length: 5 }, (_, i) => `concurrent passphrase ${i}`);
    const results = await Promise.all(passwords.map((p) => complete(token, p)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
    const winner = passwords[statuses.indexOf(200)]!;
    expect(await verifyCredentials(u.email, winner, new Headers())).toMatchObject({ id: u.user.id });
    for (const loser of passwords.filter((p) => p !== winner)) {
      await expect(verifyCredentials(u.email, loser, new Headers())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("voids the user's other outstanding links once one is used", async () => {
    const u = await makeUser();
    const first = await emailedToken(u.email);
    const second = await emailedToken(u.email);
    expect(first).not.toBe(second);
    expect((await complete(second, NEW_PASSWORD)).status).toBe(200);
    expect((await complete(first, "someone else's passphrase")).status).toBe(400);
    expect(await verifyCredentials(u.email, NEW_PASSWORD, new Headers())).toMatchObject({ id: u.user.id });
  });

  it("refuses an expired link, an unknown one, a weak password and another origin, changing nothing", async () => {
    const u = await makeUser();
    const session = await startSession(u.user.id, 0, "laptop");
    const token = await emailedToken(u.email);

    const weak = await complete(token, "short");
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ fieldErrors: { password: expect.any(Array) } });
    expect((await complete(token, NEW_PASSWORD, "https://evil.example")).status).toBe(403);
    expect((await complete(`prt_${randomUUID()}`, NEW_PASSWORD)).status).toBe(400);
    expect(await isResetLinkLive(token)).toBe(true); // none of those spent the link

    await db.passwordResetToken.updateMany({ where: { userId: u.user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await isResetLinkLive(token)).toBe(false);
    const expired = await complete(token, NEW_PASSWORD);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ reason: "reset_link_invalid" });
    expect(await verifyCredentials(u.email, u.password, new Headers())).toMatchObject({ id: u.user.id });
    expect(await isSessionLive(session, u.user.id)).toBe(true);
  });
});

describe("a sign-in racing a password reset", () => {
  it("a sign-in or token request that checked the old password before the reset committed gets nothing live", async () => {
    const u = await makeUser();
    const checked = await verifyCredentials(u.email, u.password, new Headers());
    const token = await emailedToken(u.email);
    expect((await complete(token, NEW_PASSWORD)).status).toBe(200);

    await expect(startSession(u.user.id, checked.sessionEpoch, "late browser")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const { organizationId } = await db.membership.findFirstOrThrow({ where: { userId: u.user.id }, select: { organizationId: true } });
    await expect(
      createApiToken({ userId: u.user.id, organizationId }, "late token", null, { sessionEpoch: checked.sessionEpoch }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await db.authSession.count({ where: { userId: u.user.id } })).toBe(0);
    expect(await db.apiToken.count({ where: { userId: u.user.id, name: "late token" } })).toBe(0);

    // A check of the new password starts a session as before.
    const fresh = await verifyCredentials(u.email, NEW_PASSWORD, new Headers());
    expect(fresh.sessionEpoch).toBe(checked.sessionEpoch + 1);
    expect(await isSessionLive(await startSession(u.user.id, fresh.sessionEpoch, null), u.user.id)).toBe(true);
  });

  it("a session whose insert locked the user first is ended by the reset that waited for it", async () => {
    const u = await makeUser();
    const checked = await verifyCredentials(u.email, u.password, new Headers());
    const token = await emailedToken(u.email);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    // startSession's transaction, paused between its epoch check (the share lock) and its insert.
    const granting = db.$transaction(async (tx) => {
      await requireSessionEpoch(tx, u.user.id, checked.sessionEpoch);
      locked();
      await gate;
      return tx.authSession.create({ data: newSession(u.user.id, "racing browser"), select: { id: true } });
    });
    await holding;
    const resetting = complete(token, NEW_PASSWORD);
    // Wait until the reset is blocked on the user's row (this file's database is its own); give up after 2 s.
    for (let i = 0; i < 100; i++) {
      const [row] = await db.$queryRaw<{ waiting: number }[]>`
        SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if (row!.waiting > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    const [{ id }, res] = await Promise.all([granting, resetting]);
    expect(res.status).toBe(200);
    expect(await isSessionLive(id, u.user.id)).toBe(false);
  });
});
