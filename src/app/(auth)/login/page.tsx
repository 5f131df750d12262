import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "~/server/auth/config";
import { safeCallbackPath } from "~/server/auth/callback-path";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  const next = safeCallbackPath(callbackUrl) ?? "/dashboard";
  // Already signed in: straight on to where the sign-in would have gone.
  if ((await auth())?.user?.id) redirect(next);
  return <LoginForm next={next} />;
}
