import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { consume } from "~/server/usage/meter";
import { monthOf } from "~/server/usage/periods";
import { setTokenCounter, teamWithProject as team } from "~/test/chat";

const callerOf = (userId: string) =>
  createCaller({ headers: new Headers(), userId });

describe("the bell", () => {
  it("lists the org's notifications once per dedupe key, newest first, without personal ones; unread per member; mark all read; another org's invisible", async () => {
    const t = await team("Bell");
    const other = await team("Other bell");
    await setTokenCounter(t.orgId, 79_999);
    await consume(t.orgId, "gemini_tokens", 1);
    await setTokenCounter(other.orgId, 79_999);
    await consume(other.orgId, "gemini_tokens", 20_001);
    // A personal email of the org (an invitation) is not the bell's.
    await db.notification.create({
      data: {
        organizationId: t.orgId,
        kind: "invitation",
        dedupeKey: `invitation:${t.orgId}:x`,
        recipient: "invitee@example.test",
        subject: "Join",
        html: "<p>Join</p>",
        text: "Join",
      },
    });

    const bell = (userId: string, orgId = t.orgId) =>
      callerOf(userId).notifications.bell({ orgId });
    const mine = await bell(t.userId);
    expect(mine.unread).toBe(1);
    expect(mine.entries.map((e) => [e.kind, e.dedupeKey, e.unread])).toEqual([
      [
        "usage-alert",
        `usage-alert:${t.orgId}:gemini_tokens:${monthOf(new Date())}:80`,
        true,
      ],
    ]);
    expect(mine.entries[0]!.subject).toMatch(/80% of its plan's monthly limit/);
    // A member who gets no email still sees the org's notifications.
    expect((await bell(t.member.user.id)).unread).toBe(1);

    await callerOf(t.userId).notifications.markAllRead({ orgId: t.orgId });
    expect((await bell(t.userId)).unread).toBe(0);
    expect((await bell(t.userId)).entries.map((e) => e.unread)).toEqual([
      false,
    ]);
    expect((await bell(t.member.user.id)).unread).toBe(1); // read state is the member's own

    await consume(t.orgId, "gemini_tokens", 20_000);
    const after = await bell(t.userId);
    expect(after.unread).toBe(1);
    expect(
      after.entries.map((e) => [e.dedupeKey.split(":").at(-1), e.unread]),
    ).toEqual([
      ["100", true],
      ["80", false],
    ]);

    // The other org's notifications (100 % and 80 %, from one call) are its own.
    expect((await bell(other.userId, other.orgId)).unread).toBe(2);
    expect(
      (await bell(other.userId, other.orgId)).entries.every((e) =>
        e.dedupeKey.includes(other.orgId),
      ),
    ).toBe(true);
    await expect(bell(other.userId)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      callerOf(other.userId).notifications.markAllRead({ orgId: t.orgId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
