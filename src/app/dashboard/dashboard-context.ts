import "server-only";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { env } from "~/env";
import { auth } from "~/server/auth/config";
import { servedOverHttps } from "~/server/http/security-headers";
import { listMemberships } from "~/server/orgs/memberships";

export const ACTIVE_ORG_COOKIE = "vf_org";

/** The signed-in user, their organizations and the active one (cookie, else the first). */
export const getDashboardContext = cache(async () => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) redirect("/login");
  const memberships = await listMemberships(userId);
  const chosen = (await cookies()).get(ACTIVE_ORG_COOKIE)?.value;
  const active = memberships.find((m) => m.organization.id === chosen) ?? memberships[0] ?? null;
  return { user: { id: userId, name: session.user.name ?? "", email: session.user.email ?? "" }, memberships, active };
});

/** The active organization, for pages that need one. */
export async function requireActiveOrg() {
  const ctx = await getDashboardContext();
  if (!ctx.active) redirect("/dashboard");
  return { ...ctx, active: ctx.active };
}

/** Makes `orgId` the active organization of this browser; callers pass only an org the user belongs to. */
export async function setActiveOrgCookie(orgId: string) {
  // Secure whenever the app is served over https, so the cookie never travels in clear text.
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, { httpOnly: true, sameSite: "lax", path: "/", secure: servedOverHttps(env.APP_URL) });
}
