import type { Metadata } from "next";
import { isResetLinkLive } from "~/server/auth/reset-password";
import { InvalidResetLink, ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** Reading the page changes nothing (mail scanners open links); only the form's POST uses the link. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (await isResetLinkLive(token)) ? <ResetPasswordForm token={token} /> : <InvalidResetLink />;
}
