import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { usageRoute } from "~/server/rest/usage";
import { consume } from "~/server/usage/meter";
import { dailyKey, usageKey } from "~/server/usage/keys";
import { monthOf } from "~/server/usage/periods";
import { jsonRequest, makeUser } from "~/test/factories";

const read = (token?: string) => usageRoute(jsonRequest("/api/billing/usage", { token }));

describe("GET /api/billing/usage", () => {
  it("answers the guide's body for every metric: tokens from the counter, projects and members from their rows", async () => {
    const user = await makeUser("Reader");
    const orgId = user.organization.id;
    await kv.set(usageKey(orgId, "gemini_tokens", monthOf(new Date())), "1250");
    await db.project.create({ data: { organizationId: orgId, name: "One" } });

    const res = await read(user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({
      usage: [
        { metric: "gemini_tokens", current: 1250, limit: 100_000, percentage: 1.25, unlimited: false },
        { metric: "projects", current: 1, limit: 3, percentage: 33.33, unlimited: false },
        { metric: "team_members", current: 1, limit: 1, percentage: 100, unlimited: false },
      ],
    });
  });

  it("follows the meter: each consumed amount is in the next read, also when many run at once", async () => {
    const user = await makeUser("Busy");
    const orgId = user.organization.id;
    await Promise.all(Array.from({ length: 40 }, () => consume(orgId, "gemini_tokens", 25)));
    const reads = await Promise.all(Array.from({ length: 10 }, async () => ((await (await read(user.token)).json()) as { usage: { current: number }[] }).usage[0]));
    expect(reads).toEqual(Array.from({ length: 10 }, () => ({ metric: "gemini_tokens", current: 1000, limit: 100_000, percentage: 1, unlimited: false })));
  });

  it("continues from UsageRecord when Redis has lost the org's keys", async () => {
    const user = await makeUser("Flushed");
    const orgId = user.organization.id;
    const period = monthOf(new Date());
    await consume(orgId, "gemini_tokens", 700);
    await db.usageRecord.create({ data: { organizationId: orgId, metric: "gemini_tokens", period, quantity: 80_000n, flushedAt: new Date() } });
    // As after FLUSHALL, but only this org's keys: the Redis is shared.
    await Promise.all([kv.del(usageKey(orgId, "gemini_tokens", period)), kv.del(dailyKey(orgId, "gemini_tokens", period))]);

    const body = (await (await read(user.token)).json()) as { usage: unknown[] };
    expect(body.usage[0]).toEqual({ metric: "gemini_tokens", current: 80_000, limit: 100_000, percentage: 80, unlimited: false });
    // The meter goes on from the same total.
    await expect(consume(orgId, "gemini_tokens", 5)).resolves.toMatchObject({ current: 80_005 });
  });

  it("answers 401 with a machine-readable body to an unknown or revoked token", async () => {
    const res = await read("vf_not_a_token");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "Unauthorized", code: "UNAUTHORIZED" });
  });
});
