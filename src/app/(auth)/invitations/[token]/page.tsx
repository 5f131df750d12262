import type { Metadata } from "next";
import Link from "next/link";
import { requestLocale } from "~/app/request-locale";
import { SignOutButton } from "~/app/dashboard/sign-out-button";
import { Alert } from "~/components/ui";
import { formatDateTime } from "~/components/format";
import { auth } from "~/server/auth/config";
import { describeInvitation, INVITATION_REFUSALS } from "~/server/orgs/invitations";
import { AcceptInvitationForm } from "./accept-form";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

const linkClass = "block w-full rounded-lg px-4 py-2 text-center text-sm font-medium shadow-sm";

/** The page of an emailed invitation link: who invites whom to which org, and how to accept. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await describeInvitation(token);
  const unusable = !invitation ? "unknown" : invitation.state === "pending" ? null : invitation.state;
  if (!invitation || unusable) {
    return (
      <div className="space-y-4">
        <h1 className="text-lg font-semibold">Invitation not available</h1>
        <Alert tone="warning">{INVITATION_REFUSALS[unusable ?? "unknown"]}</Alert>
        <Link href="/dashboard" className="text-sm font-medium text-brand-600 hover:underline">
          Go to the dashboard
        </Link>
      </div>
    );
  }
  const session = await auth();
  const signedInAs = session?.user?.email ?? null;
  const path = `/invitations/${encodeURIComponent(token)}`;
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Join {invitation.organization.name}</h1>
      <p className="text-sm text-slate-600">
        {invitation.inviterName ?? "A teammate"} invited <strong>{invitation.email}</strong> to join{" "}
        <strong>{invitation.organization.name}</strong> as <strong data-testid="invited-role">{invitation.role}</strong>.
      </p>
      <p className="text-xs text-slate-500">The link works once and expires on {formatDateTime(invitation.expiresAt, await requestLocale())}.</p>
      {signedInAs === invitation.email ? (
        <AcceptInvitationForm token={token} />
      ) : signedInAs ? (
        <>
          <Alert tone="warning">
            You are signed in as {signedInAs}, but this invitation is for {invitation.email}. Sign out, then open the link
            again to accept it with that address.
          </Alert>
          <SignOutButton />
        </>
      ) : (
        <div className="space-y-2">
          <Link href={`/register?invitation=${encodeURIComponent(token)}`} className={`${linkClass} bg-brand-600 text-white hover:bg-brand-700`}>
            Create account
          </Link>
          <Link
            href={`/login?callbackUrl=${encodeURIComponent(path)}`}
            className={`${linkClass} border border-slate-300 bg-white text-slate-700 hover:bg-slate-50`}
          >
            Sign in
          </Link>
        </div>
      )}
    </div>
  );
}
