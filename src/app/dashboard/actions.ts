"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { env } from "~/env";
import { signOut } from "~/server/auth/config";
import { servedOverHttps } from "~/server/http/security-headers";
import { ACTIVE_ORG_COOKIE, getDashboardContext } from "./dashboard-context";

export async function switchOrganization(formData: FormData) {
  const orgId = String(formData.get("orgId") ?? "");
  const { memberships } = await getDashboardContext();
  // Only an organization the user belongs to can become active.
  if (!memberships.some((m) => m.organization.id === orgId)) return;
  // Secure whenever the app is served over https, so the cookie never travels in clear text.
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, { httpOnly: true, sameSite: "lax", path: "/", secure: servedOverHttps(env.APP_URL) });
  revalidatePath("/dashboard", "layout");
}

export async function signOutAction() {
  await signOut({ redirectTo: "/login" });
}
