"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { signOut } from "~/server/auth/config";
import { ACTIVE_ORG_COOKIE, getDashboardContext } from "./dashboard-context";

export async function switchOrganization(formData: FormData) {
  const orgId = String(formData.get("orgId") ?? "");
  const { memberships } = await getDashboardContext();
  // Only an organization the user belongs to can become active.
  if (!memberships.some((m) => m.organization.id === orgId)) return;
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, { httpOnly: true, sameSite: "lax", path: "/" });
  revalidatePath("/dashboard", "layout");
}

export async function signOutAction() {
  await signOut({ redirectTo: "/login" });
}
