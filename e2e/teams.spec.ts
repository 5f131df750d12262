import { expect, test, type Page } from "@playwright/test";
import { query, register, startProTrial } from "./support/app";
import { waitForEmail } from "./support/mailbox";

/** The invitation link in the newest email to `to`. */
async function invitationLink(to: string) {
  const link = /https?:\/\/[^\s"<>]+\/invitations\/[A-Za-z0-9_-]+/.exec((await waitForEmail(to)).html ?? "")?.[0];
  expect(link, "the email links to the invitation").toBeTruthy();
  return link!;
}

async function invite(page: Page, email: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("MEMBER");
  await page.getByRole("button", { name: "Send invitation", exact: true }).click();
}

test("an owner on Free is refused the invitation; on Pro the invitee registers from the emailed link and lands in the org as MEMBER", async ({
  page,
  browser,
}) => {
  const owner = await register(page, "Team Owner");
  // The overview's team members line opens the team page.
  await page.getByRole("link", { name: "Team members" }).click();
  await expect(page).toHaveURL(/\/dashboard\/team$/);
  const orgName = (await page.getByTestId("org-name").textContent())!;

  // Free: 1 seat, taken by the owner.
  const invitee = `invitee-${Date.now()}@example.test`;
  await invite(page, invitee);
  const refusal = page.getByRole("alert").filter({ hasText: "team members" });
  await expect(refusal).toContainText("reached its plan's limit of 1 team members");
  await expect(refusal.getByRole("link", { name: "Upgrade your plan" })).toHaveAttribute("href", "/billing/upgrade");

  // A card of its own: a card's trial is claimed once across the run (trial-claims.ts).
  await startProTrial(page, "5200 8282 8282 8210");
  await page.goto("/dashboard/team");
  await invite(page, invitee);
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();
  await expect(page.getByTestId("invitation-row").filter({ hasText: invitee })).toContainText("MEMBER");

  expect((await waitForEmail(invitee)).subject).toBe(`Team Owner invited you to ${orgName} on VantFlow`);
  const link = await invitationLink(invitee);

  // The invitee, in a browser of their own.
  const context = await browser.newContext();
  try {
    const guest = await context.newPage();
    await guest.goto(link);
    await expect(guest.getByRole("heading", { name: `Join ${orgName}` })).toBeVisible();
    await expect(guest.getByTestId("invited-role")).toHaveText("MEMBER");
    await guest.getByRole("link", { name: "Create account" }).click();
    await expect(guest).toHaveURL(/\/register\?invitation=/);
    await expect(guest.getByLabel("Email")).toHaveValue(invitee);
    await expect(guest.getByLabel("Email")).toHaveAttribute("readonly", "");
    await guest.getByLabel("Name").fill("Invited Member");
    await guest.getByLabel("Password").fill("e2e-password-123");
    await guest.getByRole("button", { name: "Create account" }).click();
    await expect(guest).toHaveURL(/\/dashboard$/);
    await expect(guest.getByTestId("org-name")).toHaveText(orgName);

    await guest.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Team" }).click();
    const row = guest.getByTestId("member-row").filter({ hasText: invitee });
    await expect(row.getByTestId("member-role")).toHaveText("MEMBER");
    // A MEMBER gets neither the invite form nor the pending invitations.
    await expect(guest.getByLabel("Email address")).toHaveCount(0);
    await expect(guest.getByRole("heading", { name: "Pending invitations" })).toHaveCount(0);

    // The link is single use.
    await guest.goto(link);
    await expect(guest.getByText("This invitation has already been used.")).toBeVisible();

    // The owner sees the new member with the role select.
    await page.reload();
    await expect(page.getByLabel(`Role of ${invitee}`)).toHaveValue("MEMBER");
    await expect(page.getByLabel(`Role of ${owner.email}`)).toHaveValue("OWNER");

    // Registered from the invitation, the invitee has no org of their own: after leaving, the
    // dashboard offers to create one and settings still serves the account.
    await guest.goto("/dashboard/team");
    await guest.getByRole("button", { name: "Leave organization" }).click();
    await expect(guest).toHaveURL(/\/dashboard$/);
    await expect(guest.getByRole("heading", { name: "No organization" })).toBeVisible();
    await guest.goto("/dashboard/settings");
    await expect(guest.getByTestId("no-org-tokens")).toBeVisible();
    await expect(guest.getByRole("heading", { name: "Account security" })).toBeVisible();
    await guest.goto("/dashboard/team");
    await expect(guest).toHaveURL(/\/dashboard$/);
    await guest.getByLabel("New organization").fill("Invitee Venture");
    await guest.getByRole("button", { name: "Create organization" }).click();
    await expect(guest.getByTestId("org-name")).toHaveText("Invitee Venture");
  } finally {
    await context.close();
  }
});

test("a signed-in user with the invited address accepts and lands in the org; another account is told the link is not theirs", async ({
  page,
  browser,
}) => {
  const context = await browser.newContext();
  try {
    const guest = await context.newPage();
    const invitee = await register(guest, "Existing User");

    await register(page, "Second Owner");
    const orgName = (await page.getByTestId("org-name").textContent())!;
    // A card of its own: a card's trial is claimed once across the run (trial-claims.ts).
    await startProTrial(page, "5105 1051 0510 5100");
    await page.goto("/dashboard/team");
    await invite(page, invitee.email);
    await expect(page.getByText(`Invitation sent to ${invitee.email}.`)).toBeVisible();
    const link = await invitationLink(invitee.email);

    // Registering from the link with the invited address, which has an account: sign in to accept.
    const stranger = await browser.newContext();
    try {
      const visitor = await stranger.newPage();
      await visitor.goto(link);
      await visitor.getByRole("link", { name: "Create account" }).click();
      await visitor.getByLabel("Name").fill("Existing User");
      await visitor.getByLabel("Password").fill("e2e-password-123");
      await visitor.getByRole("button", { name: "Create account" }).click();
      const signIn = visitor.getByRole("link", { name: "Sign in to accept" });
      const path = new URL(link).pathname;
      await expect(signIn).toHaveAttribute("href", `/login?callbackUrl=${encodeURIComponent(path)}`);
      await signIn.click();
      await visitor.getByLabel("Email").fill(invitee.email);
      await visitor.getByLabel("Password").fill(invitee.password);
      await visitor.getByRole("button", { name: "Sign in" }).click();
      await expect(visitor).toHaveURL(new RegExp(`${path}$`));
      await expect(visitor.getByRole("button", { name: "Accept invitation" })).toBeVisible();
    } finally {
      await stranger.close();
    }

    // The owner's own session is another address: the page says so and offers to sign out.
    await page.goto(link);
    await expect(page.getByRole("alert").filter({ hasText: "this invitation is for" })).toContainText(invitee.email);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

    await guest.goto(link);
    await guest.getByRole("button", { name: "Accept invitation" }).click();
    await expect(guest).toHaveURL(/\/dashboard$/);
    await expect(guest.getByLabel("Organization").locator("option:checked")).toHaveText(orgName);
    await guest.goto("/dashboard/team");
    await expect(guest.getByTestId("member-row").filter({ hasText: invitee.email }).getByTestId("member-role")).toHaveText("MEMBER");

    // Leaving: the active-org cookie names an org they left; the dashboard falls back to their own.
    await guest.getByRole("button", { name: "Leave organization" }).click();
    await expect(guest).toHaveURL(/\/dashboard$/);
    await expect(guest.getByTestId("org-name")).toHaveText("Existing User's organization");
  } finally {
    await context.close();
  }
});

test("on Pro with one seat left, five invitations sent at once: exactly one passes, the other four get the 402", async ({ page }) => {
  const owner = await register(page, "Seat Owner");
  await startProTrial(page, "4000 0566 5566 5556");
  const [org] = await query<{ id: string }>(
    `SELECT m."organizationId" AS id FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
    [owner.email],
  );
  const stamp = Date.now();
  await page.goto("/dashboard/team");
  // The owner and three invitations: 4 of Pro's 5 seats.
  for (const n of [1, 2, 3]) {
    const email = `seat-${stamp}-${n}@example.test`;
    await invite(page, email);
    await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  }

  // Five at once from this signed-in browser, as the team page's form sends them (tRPC, superjson).
  const answers = await page.evaluate(
    async ({ orgId, stamp }) =>
      Promise.all(
        [0, 1, 2, 3, 4].map(async (i) => {
          const res = await fetch("/api/trpc/team.invite", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ json: { orgId, email: `race-${stamp}-${i}@example.test`, role: "MEMBER" } }),
          });
          return { status: res.status, body: (await res.json()) as { error?: { json?: { data?: { appCode?: unknown; quota?: unknown } } } } };
        }),
      ),
    { orgId: org!.id, stamp },
  );
  expect(answers.map((a) => a.status).sort(), JSON.stringify(answers)).toEqual([200, 402, 402, 402, 402]);
  for (const refused of answers.filter((a) => a.status === 402)) {
    // tRPC's error: HTTP 402, and the guide's quota and upgrade link in its data.
    expect(refused.body.error?.json?.data).toMatchObject({
      appCode: "PAYMENT_REQUIRED",
      quota: { quota: { metric: "team_members", current: 5, limit: 5, percentage: 100 }, upgradeUrl: "/billing/upgrade" },
    });
  }
  await page.reload();
  await expect(page.getByTestId("invitation-row")).toHaveCount(4);
});
