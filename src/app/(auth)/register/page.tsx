import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "~/server/auth/config";
import { describeInvitation } from "~/server/orgs/invitations";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create account", referrer: "no-referrer" };

/** `?invitation=<token>`: the account is created for the invited address and joins that org. */
export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ invitation?: string | string[] }> }) {
  const { invitation: token } = await searchParams;
  // Signed in already: a new account makes no sense, except from an invitation link, which may be
  // for another address than the one signed in (the form creates that account and joins the org).
  if (!token && (await auth())?.user?.id) redirect("/dashboard");
  const invitation = typeof token === "string" && token ? await describeInvitation(token) : null;
  return (
    <RegisterForm
      invitation={
        invitation && invitation.state === "pending" && typeof token === "string"
          ? { token, email: invitation.email, organizationName: invitation.organization.name }
          : null
      }
      invitationUnusable={typeof token === "string" && !!token && invitation?.state !== "pending"}
    />
  );
}
