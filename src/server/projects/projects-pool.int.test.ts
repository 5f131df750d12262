import { describe, expect, it } from "vitest";
import { env } from "~/env";
import { createProject } from "~/server/projects/projects";
import { makeUser } from "~/test/factories";

describe("createProject under a full pool", () => {
  it("creates in more organizations at once than the pool has connections, without a transaction waiting on a second connection", async () => {
    // One org per creation, so the per-org lock does not serialise them: every transaction runs at once.
    const users = await Promise.all(Array.from({ length: env.DATABASE_POOL_MAX * 2 }, (_, i) => makeUser(`Pool ${i}`)));
    const results = await Promise.allSettled(
      users.map((u) => createProject({ userId: u.user.id, organizationId: u.organization.id, role: "OWNER" }, { name: "Concurrent" })),
    );
    const failures = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message).slice(0, 200)] : []));
    expect(failures).toEqual([]);
  });
});
