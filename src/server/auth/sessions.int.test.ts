import { describe, expect, it, vi } from "vitest";
import { env } from "~/env";
import { authLogger } from "~/server/auth/auth-logger";
import { handlers } from "~/server/auth/config";
import {
  endAllSessions,
  endSession,
  endSessionOf,
  isSessionLive,
  listSessions,
  MAX_LIVE_SESSIONS,
  offerHandover,
  startSession,
  takeHandover,
  TOUCH_INTERVAL_MS,
} from "~/server/auth/sessions";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";

const row = (id: string) => db.authSession.findUniqueOrThrow({ where: { id } });

describe("session rows", () => {
  it("a started session is live until it is ended; ending it again changes nothing", async () => {
    const { user } = await makeUser();
    const id = await startSession(user.id, 0, `Mozilla/5.0 ${"x".repeat(400)}`);
    const started = await row(id);
    expect(started.userAgent).toHaveLength(256);
    expect(started.expiresAt.getTime() - started.createdAt.getTime()).toBe(30 * 24 * 60 * 60 * 1000);
    expect(await isSessionLive(id, user.id)).toBe(true);

    await endSession(id);
    const ended = await row(id);
    expect(ended.revokedAt).not.toBeNull();
    expect(await isSessionLive(id, user.id)).toBe(false);
    await endSession(id);
    expect((await row(id)).revokedAt).toEqual(ended.revokedAt);
  });

  it("is not live when missing, expired, or named with another user", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const id = await startSession(a.user.id, 0, null);
    expect(await isSessionLive(id, b.user.id)).toBe(false);
    expect(await isSessionLive("no-such-session", a.user.id)).toBe(false);
    await db.authSession.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await isSessionLive(id, a.user.id)).toBe(false);
  });

  it("writes lastSeenAt and slides the expiry at most once a minute", async () => {
    const { user } = await makeUser();
    const id = await startSession(user.id, 0, null);
    const fresh = await row(id);
    expect(await isSessionLive(id, user.id)).toBe(true);
    expect(await row(id)).toEqual(fresh);

    const earlier = new Date(Date.now() - TOUCH_INTERVAL_MS - 1000);
    await db.authSession.update({ where: { id }, data: { lastSeenAt: earlier, expiresAt: new Date(Date.now() + 60_000) } });
    expect(await isSessionLive(id, user.id)).toBe(true);
    const touched = await row(id);
    expect(touched.lastSeenAt.getTime()).toBeGreaterThan(earlier.getTime());
    expect(touched.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 60 * 60 * 1000);
  });

  it("a sign-in deletes its user's dead sessions, not live ones or other users'", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const revoked = await startSession(a.user.id, 0, null);
    const expired = await startSession(a.user.id, 0, null);
    const live = await startSession(a.user.id, 0, null);
    const othersDead = await startSession(b.user.id, 0, null);
    await endSession(revoked);
    await endSession(othersDead);
    await db.authSession.update({ where: { id: expired }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const next = await startSession(a.user.id, 0, null);
    const left = await db.authSession.findMany({ where: { id: { in: [revoked, expired, live, next, othersDead] } }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([live, next, othersDead].sort());
  });

  it(`keeps at most ${MAX_LIVE_SESSIONS} live sessions per user: a sign-in past it ends the least recently seen`, async () => {
    const a = await makeUser();
    const start = Date.now() - 3_600_000;
    const ids: string[] = [];
    for (let i = 0; i < MAX_LIVE_SESSIONS + 2; i++) ids.push(await startSession(a.user.id, 0, null, new Date(start + i * 1000)));
    const live = await db.authSession.findMany({ where: { userId: a.user.id, revokedAt: null }, select: { id: true } });
    expect(live).toHaveLength(MAX_LIVE_SESSIONS);
    expect(await isSessionLive(ids[0]!, a.user.id)).toBe(false);
    expect(await isSessionLive(ids[1]!, a.user.id)).toBe(false);
    expect(await isSessionLive(ids.at(-1)!, a.user.id)).toBe(true);
    expect(await listSessions(a.user.id, null)).toHaveLength(MAX_LIVE_SESSIONS);
  });

  it("lists only the user's live sessions and marks the asking one", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const mine = await startSession(a.user.id, 0, "Browser A");
    const other = await startSession(a.user.id, 0, "Browser B");
    const ended = await startSession(a.user.id, 0, "Browser C");
    await startSession(b.user.id, 0, "Someone else");
    await endSession(ended);

    const list = await listSessions(a.user.id, mine);
    expect(list.map((s) => [s.id, s.userAgent, s.current]).sort()).toEqual(
      [
        [mine, "Browser A", true],
        [other, "Browser B", false],
      ].sort(),
    );
  });

  it("ends one of the user's own sessions by id; another user's is NOT_FOUND and stays live", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const mine = await startSession(a.user.id, 0, null);
    const theirs = await startSession(b.user.id, 0, null);
    await expect(endSessionOf(a.user.id, theirs)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(endSessionOf(a.user.id, "no-such-session")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await isSessionLive(theirs, b.user.id)).toBe(true);

    await endSessionOf(a.user.id, mine);
    expect(await isSessionLive(mine, a.user.id)).toBe(false);
    await expect(endSessionOf(a.user.id, mine)).resolves.toBeUndefined();
  });

  it("ends every session of the user and no one else's", async () => {
    const a = await makeUser();
    const b = await makeUser();
    const ids = [await startSession(a.user.id, 0, null), await startSession(a.user.id, 0, null)];
    const theirs = await startSession(b.user.id, 0, null);
    expect(await endAllSessions(a.user.id)).toBe(2);
    for (const id of ids) expect(await isSessionLive(id, a.user.id)).toBe(false);
    expect(await isSessionLive(theirs, b.user.id)).toBe(true);
  });
});

describe("hand-overs", () => {
  it("are taken once, by the session and user they were offered for, before they expire", () => {
    const now = Date.now();
    const secret = offerHandover("user", "from", "to", now);
    expect(takeHandover("a guess", "user", "from", now)).toBeNull();
    expect(takeHandover(secret, "user", "from", now)).toBe("to");
    expect(takeHandover(secret, "user", "from", now)).toBeNull();

    expect(takeHandover(offerHandover("user", "from", "to", now), "other-user", "from", now)).toBeNull();
    expect(takeHandover(offerHandover("user", "from", "to", now), "user", "other-session", now)).toBeNull();
    expect(takeHandover(offerHandover("user", "from", "to", now), "user", "from", now + 60_001)).toBeNull();
    expect(takeHandover(undefined, "user", "from", now)).toBeNull();
  });
});

/** Auth.js's own endpoints (the route handlers), with a cookie jar: what a browser does. */
function authClient(userAgent = "IntTest/1.0") {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  async function send(method: "GET" | "POST", path: string, body?: Record<string, unknown>, json = false) {
    const headers = new Headers({ cookie: cookieHeader(), "user-agent": userAgent });
    if (body) headers.set("content-type", json ? "application/json" : "application/x-www-form-urlencoded");
    const encoded = body && (json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString());
    const req = new Request(`http://localhost${path}`, { method, headers, body: encoded });
    // @ts-expect-error the handlers take a NextRequest; Auth.js reads only what a Request has
    const res: Response = await handlers[method](req);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
      if (attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()))) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
  const csrf = async () => ((await (await send("GET", "/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  return {
    jar,
    send,
    csrf,
    async signIn(email: string, password: string) {
      const res = await send("POST", "/api/auth/callback/credentials", { email, password, csrfToken: await csrf(), callbackUrl: "/dashboard" });
      expect(res.status).toBe(302);
    },
    async session() {
      return (await (await send("GET", "/api/auth/session")).json()) as { user: { id: string }; sessionId: string } | null;
    },
    async signOut() {
      await send("POST", "/api/auth/signout", { csrfToken: await csrf(), callbackUrl: "/login" });
    },
    /** What a client's `update(data)` sends. */
    async update(data: Record<string, unknown>) {
      return (await (await send("POST", "/api/auth/session", { csrfToken: await csrf(), data }, true)).json()) as { sessionId: string } | null;
    },
  };
}

describe("the session cookie (Auth.js endpoints)", () => {
  it("names a new session row at sign-in, and a copy made before sign-out is signed out after it", async () => {
    const { user, email, password } = await makeUser();
    const browser = authClient("Browser/1.0");
    await browser.signIn(email, password);
    const session = await browser.session();
    expect(session?.user.id).toBe(user.id);
    expect(await row(session!.sessionId)).toMatchObject({ userId: user.id, userAgent: "Browser/1.0", revokedAt: null });

    const copy = authClient();
    for (const [k, v] of browser.jar) copy.jar.set(k, v);
    expect((await copy.session())?.sessionId).toBe(session!.sessionId);

    await browser.signOut();
    expect((await row(session!.sessionId)).revokedAt).not.toBeNull();
    expect(await copy.session()).toBeNull();
  });

  it("a session ended elsewhere (sign out everywhere) signs the cookie out at its next request", async () => {
    const { user, email, password } = await makeUser();
    const browser = authClient();
    await browser.signIn(email, password);
    expect(await browser.session()).not.toBeNull();
    await endAllSessions(user.id);
    expect(await browser.session()).toBeNull();
    expect([...browser.jar.keys()].some((k) => k.includes("session-token"))).toBe(false);
  });

  it("an update moves the cookie only with the hand-over this process offered", async () => {
    const { user, email, password } = await makeUser();
    const browser = authClient();
    await browser.signIn(email, password);
    const from = (await browser.session())!.sessionId;
    const to = await startSession(user.id, 0, null);

    expect((await browser.update({ handover: "a guess", sessionId: to }))?.sessionId).toBe(from);
    await endSession(from);
    expect(await browser.update({ handover: offerHandover(user.id, from, to) })).toMatchObject({ sessionId: to });
    expect((await browser.session())?.sessionId).toBe(to);
  });

  it("a cookie from before session rows (no session id) is signed out", async () => {
    const { encode } = await import("next-auth/jwt");
    const { user } = await makeUser();
    const salt = "authjs.session-token";
    const legacy = await encode({ token: { sub: user.id }, secret: env.AUTH_SECRET!, salt });
    const browser = authClient();
    browser.jar.set(salt, legacy);
    expect(await browser.session()).toBeNull();
  });
});

describe("what a sign-in writes to the server log", () => {
  /** Every console line written while `run` runs (the logger writes through console). */
  async function logLines(run: () => Promise<unknown>) {
    const spies = (["error", "warn", "log", "info"] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => undefined));
    try {
      await run();
      return spies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(" ")));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  // Regression guard: the logger before issue 14 already dropped CredentialsSignin; the tests below cover what it changed.
  it("a wrong password is still refused without a line, let alone Auth.js's stack trace", async () => {
    const { email } = await makeUser();
    const browser = authClient();
    const lines = await logLines(async () => {
      const res = await browser.send("POST", "/api/auth/callback/credentials", { email, password: "not-the-password", csrfToken: await browser.csrf() });
      expect(res.headers.get("location")).toContain("error=CredentialsSignin");
    });
    expect(lines).toEqual([]);
  });

  it("a real Auth.js error (a forged session cookie, through the route handler) is one JSON line: no stack, no cookie", async () => {
    const browser = authClient();
    const forged = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.forged-secret-part.not-a-session";
    browser.jar.set("authjs.session-token", forged);
    const lines = await logLines(async () => expect(await browser.session()).toBeNull());
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", message: "auth error", error: { name: "JWTSessionError" } });
    expect(lines[0]).not.toMatch(/\n\s+at |\\n\s+at /);
    expect(lines[0]).not.toContain("forged-secret-part");
  });

  it("a refused sign-in from a second copy of @auth/core (not instanceof ours, same type) prints no line either", async () => {
    const foreign = Object.assign(new Error("Read more at https://errors.authjs.dev#credentialssignin"), { type: "CredentialsSignin" });
    expect(await logLines(async () => authLogger.error(foreign))).toEqual([]);
  });

  it("an Auth.js warning is one JSON line with its code, not Auth.js's own console text", async () => {
    const lines = await logLines(async () => authLogger.warn("debug-enabled"));
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([expect.objectContaining({ level: "warn", message: "auth warning", code: "debug-enabled" })]);
  });

  it("any other Auth.js error is one JSON line without a stack", async () => {
    const lines = await logLines(async () => authLogger.error(new Error("JWT could not be decoded")));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", message: "auth error", error: { message: "JWT could not be decoded" } });
    expect(lines[0]).not.toMatch(/\n\s+at /);
  });
});
