import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { projectOwner, setTokenCounter } from "~/test/chat";
import { makeUser } from "~/test/factories";

describe("the chat router", () => {
  it("sends a turn, lists the project's messages oldest first with each reply's tokens, and refuses past the quota", async () => {
    const { userId, orgId, projectId } = await projectOwner("Router chatter");
    const caller = createCaller({ headers: new Headers(), userId });

    const sent = await caller.chat.send({ projectId, content: "Plan the launch" });
    expect(sent.reply.totalTokens).toBeGreaterThan(0);
    const messages = await caller.chat.list({ projectId });
    expect(messages.map((m) => [m.role, m.totalTokens])).toEqual([
      ["USER", null],
      ["ASSISTANT", sent.reply.totalTokens],
    ]);

    await setTokenCounter(orgId, 101000);
    await expect(caller.chat.send({ projectId, content: "Again" })).rejects.toMatchObject({
      code: "PAYMENT_REQUIRED",
      cause: { code: "PAYMENT_REQUIRED", details: { quota: { current: 101000, limit: 100000 }, upgradeUrl: "/billing/upgrade" } },
    });
    expect(await caller.chat.list({ projectId })).toHaveLength(2);

    const stranger = createCaller({ headers: new Headers(), userId: (await makeUser("Stranger")).user.id });
    await expect(stranger.chat.list({ projectId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(stranger.chat.send({ projectId, content: "Hi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
