import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cacheActor, cachedActor, LOCAL_CACHE_MS } from "~/server/auth/token-actor-cache";
import { hashToken } from "~/server/auth/token-format";
import { kv } from "~/server/clients/redis";
import { authenticateToken, authenticateTokenCached, createApiToken, revokeApiToken } from "~/server/auth/api-tokens";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";

describe("the bearer token's actor cache", () => {
  it("serves a resolved token from Redis without reading its row, and forgets it when the app revokes it", async () => {
    const user = await makeUser("Cached");
    const actor = { userId: user.user.id, organizationId: user.organization.id, role: "OWNER" as const };
    const expected = { userId: user.user.id, organizationId: user.organization.id, role: "OWNER" };
    expect(await authenticateTokenCached(user.token)).toEqual(expected);

    // Revoked behind the app's back: the uncached lookup sees it, the cached one does not read the row.
    await db.apiToken.updateMany({ where: { userId: user.user.id }, data: { revokedAt: new Date() } });
    await expect(authenticateToken(user.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await authenticateTokenCached(user.token)).toEqual(expected);

    // Revoked through the app: refused at the next request.
    const second = await createApiToken(actor, "second");
    expect(await authenticateTokenCached(second.token)).toEqual(expected);
    await revokeApiToken(actor, second.id);
    await expect(authenticateTokenCached(second.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("keeps a process's own copy for a few seconds: another process's revoke reaches it within LOCAL_CACHE_MS", async () => {
    const actor = { userId: "u", organizationId: "o", role: "MEMBER" as const };
    const hash = `test-${randomUUID()}`;
    const now = Date.now();
    await cacheActor(hash, actor, null, new Date(now));
    await kv.del(`auth:token:${hash}`); // what forgetActors in another process does to Redis
    expect(await cachedActor(hash, now + 1)).toEqual(actor);
    expect(await cachedActor(hash, now + LOCAL_CACHE_MS + 1)).toBeNull();
  });

  it("a request that read the token just before its revoke cannot cache it after", async () => {
    const user = await makeUser("Racing revoke");
    const actor = { userId: user.user.id, organizationId: user.organization.id, role: "OWNER" as const };
    const second = await createApiToken(actor, "racing");
    const hash = hashToken(second.token);
    await revokeApiToken(actor, second.id); // lands between the slow request's read and its cache write
    await cacheActor(hash, actor, null); // the slow request, writing what it read before the revoke
    await expect(authenticateTokenCached(second.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("keeps an unknown or expired token out of the cache", async () => {
    await expect(authenticateTokenCached("vf_unknown_token")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const user = await makeUser("Expiring");
    await db.apiToken.updateMany({ where: { userId: user.user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(authenticateTokenCached(user.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(authenticateTokenCached(user.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
