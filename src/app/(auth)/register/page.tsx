import type { Metadata } from "next";
import { describeInvitation } from "~/server/orgs/invitations";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create account", referrer: "no-referrer" };

/** `?invitation=<token>`: the account is created for the invited address and joins that org. */
export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ invitation?: string | string[] }> }) {
  const { invitation: token } = await searchParams;
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
