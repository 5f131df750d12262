import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { defineTemplate } from "~/server/notifications/templates/template";
import { consume } from "~/server/usage/meter";
import { setTokenCounter, teamWithProject as team } from "~/test/chat";

const callerOf = (userId: string) => createCaller({ headers: new Headers(), userId });
const bellOf = (userId: string, orgId: string) => callerOf(userId).notifications.bell({ orgId });
const markRead = (userId: string, orgId: string, upTo: Date) => callerOf(userId).notifications.markAllRead({ orgId, upTo });

/** A billing email as the billing helpers define theirs (only its name matters to the bell). */
const paymentFailed = defineTemplate<{ org: string }>({
  name: "payment-failed",
  subject: (p) => `Payment failed for ${p.org}`,
  Body: () => createElement("p", null, "Pay"),
  preview: { org: "Acme" },
});

describe("the bell", () => {
  it("lists the org's entries newest first with an opaque id and a link; unread per member; another org's invisible", async () => {
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

    const mine = await bellOf(t.userId, t.orgId);
    expect(mine.unread).toBe(1);
    expect(mine.entries).toEqual([
      {
        id: expect.any(String),
        kind: "usage-alert",
        title: "Gemini tokens: 80% of the plan's monthly limit used",
        link: "/dashboard/billing",
        createdAt: expect.any(Date),
        unread: true,
      },
    ]);
    expect(JSON.stringify(mine)).not.toContain("usage-alert:");
    expect((await bellOf(t.member.user.id, t.orgId)).unread).toBe(1);

    await markRead(t.userId, t.orgId, mine.entries[0]!.createdAt);
    expect((await bellOf(t.userId, t.orgId)).entries.map((e) => e.unread)).toEqual([false]);
    expect((await bellOf(t.member.user.id, t.orgId)).unread).toBe(1); // read state is the member's own

    await consume(t.orgId, "gemini_tokens", 20_000);
    const after = await bellOf(t.userId, t.orgId);
    expect(after.unread).toBe(1);
    expect(after.entries.map((e) => [e.title, e.unread])).toEqual([
      ["Gemini tokens: plan's monthly limit reached", true],
      ["Gemini tokens: 80% of the plan's monthly limit used", false],
    ]);

    expect((await bellOf(other.userId, other.orgId)).unread).toBe(2);
    await expect(bellOf(other.userId, t.orgId)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(markRead(other.userId, t.orgId, new Date())).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("shows a usage alert whose emails nobody receives (every admin opted out)", async () => {
    const t = await team("Quiet bell");
    await db.user.updateMany({
      where: { memberships: { some: { organizationId: t.orgId } } },
      data: { usageAlertEmails: false },
    });
    await setTokenCounter(t.orgId, 79_999);
    await consume(t.orgId, "gemini_tokens", 1);
    expect(
      await db.notification.count({
        where: { organizationId: t.orgId, kind: "usage-alert" },
      }),
    ).toBe(0);
    for (const userId of [t.userId, t.admin.user.id, t.member.user.id]) {
      expect((await bellOf(userId, t.orgId)).entries.map((e) => e.kind)).toEqual(["usage-alert"]);
    }
  });

  it("shows each role only its allowlisted kinds: members usage alerts, owners and admins billing too, nobody operator alerts", async () => {
    const t = await team("Roles bell");
    await setTokenCounter(t.orgId, 79_999);
    await consume(t.orgId, "gemini_tokens", 1);
    // A billing email gets its bell entry from enqueueEmail by default, even with no recipients.
    await db.$transaction((tx) =>
      enqueueEmail(tx, {
        organizationId: t.orgId,
        template: paymentFailed,
        props: { org: "Roles" },
        dedupeKey: `payment-failed:${t.orgId}:1`,
        recipients: [],
      }),
    );
    await db.orgNotification.create({
      data: {
        organizationId: t.orgId,
        kind: "operator-alert",
        title: "Webhook failed",
        link: "/admin",
        dedupeKey: `operator-alert:${t.orgId}:1`,
      },
    });
    const kinds = async (userId: string) => (await bellOf(userId, t.orgId)).entries.map((e) => e.kind).sort();
    expect(await kinds(t.userId)).toEqual(["payment-failed", "usage-alert"]);
    expect(await kinds(t.admin.user.id)).toEqual(["payment-failed", "usage-alert"]);
    expect(await kinds(t.member.user.id)).toEqual(["usage-alert"]);
    expect((await bellOf(t.member.user.id, t.orgId)).unread).toBe(1);
    expect((await bellOf(t.userId, t.orgId)).unread).toBe(2);
  });

  it("mark all read covers what was shown: a newer entry stays unread, a future upTo stops at now, the mark never moves back", async () => {
    const t = await team("Read bell");
    const at = (ms: number) => new Date(Date.now() + ms);
    const entry = (n: number, createdAt: Date) =>
      db.orgNotification.create({
        data: {
          organizationId: t.orgId,
          kind: "usage-alert",
          title: `Alert ${n}`,
          link: "/dashboard/billing",
          dedupeKey: `test:${t.orgId}:${n}`,
          createdAt,
        },
      });
    // Joined a minute ago: both entries below are news to the owner.
    await db.membership.updateMany({
      where: { organizationId: t.orgId, userId: t.userId },
      data: { createdAt: at(-60_000) },
    });
    const shown = await entry(1, at(-2_000));
    await entry(2, at(-1_000)); // arrived after the list was displayed
    await markRead(t.userId, t.orgId, shown.createdAt);
    expect((await bellOf(t.userId, t.orgId)).entries.map((e) => [e.title, e.unread])).toEqual([
      ["Alert 2", true],
      ["Alert 1", false],
    ]);
    await markRead(t.userId, t.orgId, at(-5_000)); // an older list does not unread anything
    expect((await bellOf(t.userId, t.orgId)).unread).toBe(1);

    await markRead(t.userId, t.orgId, at(3_600_000)); // a clock ahead: capped at the database's now
    expect((await bellOf(t.userId, t.orgId)).unread).toBe(0);
    await entry(3, at(1_000));
    expect((await bellOf(t.userId, t.orgId)).unread).toBe(1);
  });
});
