"use server";

import { redirect } from "next/navigation";
import { setActiveOrgCookie } from "~/app/dashboard/dashboard-context";
import { auth } from "~/server/auth/config";
import { toAppError } from "~/server/errors";
import { acceptInvitation } from "~/server/orgs/accept-invitation";

export type AcceptState = { error: string } | null;

/** Accepts the invitation for the signed-in user, makes its org the active one and opens the dashboard there. */
export async function acceptInvitationAction(_prev: AcceptState, formData: FormData): Promise<AcceptState> {
  const session = await auth();
  if (!session?.user?.id) return { error: "Sign in first." };
  let organizationId: string;
  try {
    organizationId = (await acceptInvitation(session.user.id, String(formData.get("token") ?? ""))).organization.id;
  } catch (error) {
    const appError = toAppError(error);
    return { error: appError.code === "INTERNAL" ? "Could not accept the invitation. Please retry." : appError.message };
  }
  await setActiveOrgCookie(organizationId);
  redirect("/dashboard");
}
