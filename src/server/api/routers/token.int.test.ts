import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { authenticateToken } from "~/server/auth/api-tokens";
import { createOrganization } from "~/server/orgs/memberships";
import { makeUser } from "~/test/factories";

describe("token router", () => {
  it("creates a token shown once, lists it by prefix, and revokes it", async () => {
    const owner = await makeUser();
    const caller = createCaller({ headers: new Headers(), userId: owner.user.id });
    const orgId = owner.organization.id;
    const created = await caller.token.create({ orgId, name: "CI" });
    await expect(authenticateToken(created.token)).resolves.toMatchObject({ organizationId: orgId, role: "OWNER" });

    const list = await caller.token.list({ orgId });
    const row = list.find((t) => t.id === created.id);
    expect(row).toMatchObject({ name: "CI", prefix: created.prefix, revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(created.token);

    await caller.token.revoke({ orgId, tokenId: created.id });
    await expect(authenticateToken(created.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.token.revoke({ orgId, tokenId: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("binds a token to its organization: it stops working when the membership ends", async () => {
    const user = await makeUser();
    const second = await createOrganization(user.user.id, "Second org");
    const caller = createCaller({ headers: new Headers(), userId: user.user.id });
    const created = await caller.token.create({ orgId: second.id, name: "second" });
    await expect(authenticateToken(created.token)).resolves.toMatchObject({ organizationId: second.id });
    expect(await caller.org.list()).toHaveLength(2);
    const { db } = await import("~/server/clients/db");
    await db.membership.delete({ where: { userId_organizationId: { userId: user.user.id, organizationId: second.id } } });
    await expect(authenticateToken(created.token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
