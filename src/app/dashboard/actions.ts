"use server";

import { revalidatePath } from "next/cache";
import { auth, signOut } from "~/server/auth/config";
import { endSession } from "~/server/auth/sessions";
import { logger } from "~/server/logger";
import { getDashboardContext, setActiveOrgCookie } from "./dashboard-context";

export async function switchOrganization(formData: FormData) {
  const orgId = String(formData.get("orgId") ?? "");
  const { memberships } = await getDashboardContext();
  // Only an organization the user belongs to can become active.
  if (!memberships.some((m) => m.organization.id === orgId)) return;
  await setActiveOrgCookie(orgId);
  revalidatePath("/dashboard", "layout");
}

export type SignOutState = { error: string } | null;

/**
 * Ends the browser's session row, then clears its cookie and goes to /login. The row is ended
 * here, not only in Auth.js's signOut event (whose errors Auth.js swallows), so a sign-out whose
 * row could not be ended fails where the user sees it and keeps the cookie, instead of looking
 * done while copies of the cookie still work. A cookie whose session has ended already is cleared.
 */
export async function signOutAction(): Promise<SignOutState> {
  const session = await auth();
  if (session) {
    try {
      await endSession(session.sessionId);
    } catch (error) {
      logger.error("auth: could not end the session at sign-out", { error });
      return { error: "Could not sign out. Please try again." };
    }
  }
  await signOut({ redirectTo: "/login" });
  return null;
}
