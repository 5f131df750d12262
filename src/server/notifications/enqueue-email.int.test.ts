import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { orgRecipients } from "~/server/notifications/recipients";
import { invitation } from "~/server/notifications/templates/invitation";
import { makeUser } from "~/test/factories";

/** An org with an owner, an admin who opted out of usage alerts, and a member. */
async function team() {
  const owner = await makeUser("Owner");
  const admin = await makeUser("Admin");
  const member = await makeUser("Member");
  const organizationId = owner.organization.id;
  await db.membership.createMany({
    data: [
      { organizationId, userId: admin.user.id, role: "ADMIN" },
      { organizationId, userId: member.user.id, role: "MEMBER" },
    ],
  });
  await db.user.update({ where: { id: admin.user.id }, data: { usageAlertEmails: false } });
  return { organizationId, owner, admin, member };
}

describe("orgRecipients", () => {
  it("is the owners and admins; usage alerts skip opted-out users; payment failures add BILLING_ADMIN_EMAILS", async () => {
    const t = await team();
    const emails = async (audience: Parameters<typeof orgRecipients>[2]) => (await orgRecipients(db, t.organizationId, audience)).map((r) => r.email);
    expect(await emails("billing")).toEqual([t.owner.email, t.admin.email]);
    expect(await emails("usage_alert")).toEqual([t.owner.email]);
    // Lower-cased and trimmed from the env, not the org's users (userId null).
    expect(await orgRecipients(db, t.organizationId, "payment_failure")).toEqual([
      { email: t.owner.email, userId: t.owner.user.id },
      { email: t.admin.email, userId: t.admin.user.id },
      { email: "ops@vantflow.test", userId: null },
      { email: "finance@vantflow.test", userId: null },
    ]);
  });
});

describe("enqueueEmail", () => {
  it("renders the template into one row per recipient, once per dedupe key, and nothing when the transaction rolls back", async () => {
    const t = await team();
    const key = `invitation:${t.organizationId}`;
    const props = { ...invitation.preview, organizationName: "Team <One>" };
    const send = () => db.$transaction((tx) => enqueueEmail(tx, { organizationId: t.organizationId, template: invitation, props, dedupeKey: key, recipients: [t.member.email, t.admin.email] }));
    expect(await send()).toBe(2);
    expect(await send()).toBe(0);
    await expect(
      db.$transaction(async (tx) => {
        await enqueueEmail(tx, { organizationId: t.organizationId, template: invitation, props, dedupeKey: `${key}:rolled-back`, recipients: [t.owner.email] });
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    const rows = await db.notification.findMany({ where: { dedupeKey: { startsWith: key } }, orderBy: { recipient: "asc" } });
    expect(rows.map((r) => [r.recipient, r.kind, r.dedupeKey])).toEqual(
      [t.admin.email, t.member.email].sort().map((email) => [email, "invitation", key]),
    );
    expect(rows[0]!.subject).toBe("Ada Lovelace invited you to Team <One> on VantFlow");
    expect(rows[0]!.html).toContain("Team &lt;One&gt;");
    expect(rows[0]!.text).toContain("Accept the invitation");
  });
});
