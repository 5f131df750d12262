import { expect, test } from "@playwright/test";
import IORedis from "ioredis";
import { usageKey } from "../src/server/usage/keys";
import { monthOf } from "../src/server/usage/periods";
import { query, register } from "./support/app";
import { mailbox } from "./support/mailbox";

/** The Redis the app under test counts in. */
const redis = new IORedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
test.afterAll(() => redis.quit());

/** The chat holds its output cap (1,024 tokens) first: from here that hold crosses 80 % of Free's 100,000. */
const JUST_BELOW_80 = 80_000 - 1_024 + 10;

test("an 80 % usage alert reached through the chat endpoint is emailed and lights the bell, which 'mark all read' clears", async ({ page, request }) => {
  const { email, password } = await register(page, "Bell Owner");
  const [{ organizationId }] = (await query<{ organizationId: string }>(
    `SELECT m."organizationId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
    [email],
  )) as [{ organizationId: string }];
  const bell = page.getByRole("button", { name: /^Notifications, / });
  await expect(bell).toHaveAccessibleName("Notifications, none unread");

  const { token } = (await (await request.post("/api/auth/token", { data: { email, password } })).json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const { id: projectId } = (await (await request.post("/api/projects", { headers: auth, data: { name: "Alerted" } })).json()) as { id: string };
  await redis.set(usageKey(organizationId, "gemini_tokens", monthOf(new Date())), String(JUST_BELOW_80), "EX", 3_600);
  const chat = await request.post(`/api/chat/projects/${projectId}/message`, { headers: auth, data: { content: "Cross the line" } });
  expect(chat.status()).toBe(201);

  // Sent after the chat's response: the stand-in's mailbox has it, with the one-click unsubscribe headers.
  await expect
    .poll(async () => {
      return (await mailbox(email)).map((m) => [m.subject, Boolean(m.headers["List-Unsubscribe"])]);
    })
    .toEqual([[expect.stringContaining("has used 80% of its plan's monthly limit of Gemini tokens"), true]]);

  await page.reload();
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  await bell.click();
  const list = page.getByRole("list").filter({ hasText: "80%" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  const entry = list.getByRole("link", { name: /Gemini tokens: 80% of the plan's monthly limit used/ });
  await expect(entry).toHaveAttribute("href", "/dashboard/billing");
  // Escape closes the panel and gives focus back to the bell.
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await expect(bell).toBeFocused();
  await bell.click();
  await page.getByRole("button", { name: "Mark all read" }).click();
  await expect(bell).toHaveAccessibleName("Notifications, none unread");
  // The changed count is announced politely.
  await expect(page.getByRole("status").filter({ hasText: "Notifications, none unread" })).toHaveAttribute("aria-live", "polite");
  await page.reload();
  await expect(bell).toHaveAccessibleName("Notifications, none unread");
});
