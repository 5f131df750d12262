import type { Metadata } from "next";
import { safeCallbackPath } from "~/server/auth/callback-path";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  return <LoginForm next={safeCallbackPath(callbackUrl) ?? "/dashboard"} />;
}
