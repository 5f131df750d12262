"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { postJson } from "~/components/post-json";
import { PasswordField } from "~/components/password-field";
import { Alert, Button } from "~/components/ui";

export function InvalidResetLink() {
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">This link is no longer valid</h1>
      <p className="text-sm text-slate-500">
        Password reset links work once and expire after an hour. Ask for a new one and use the newest email.
      </p>
      <Link href="/forgot-password" className="block text-center text-sm font-medium text-brand-600 hover:underline">
        Send me a new link
      </Link>
    </div>
  );
}

/** Sets the new password, which signs out every session of the account, then signs this browser in with it. */
export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [invalid, setInvalid] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string[] | undefined>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    setPending(true);
    setError(null);
    setFieldError(undefined);
    const answer = await postJson("/api/auth/password-reset/complete", { token, password });
    if (!answer.ok) {
      setPending(false);
      if (answer.body.reason === "reset_link_invalid") return setInvalid(true);
      setFieldError(answer.body.fieldErrors?.password);
      if (!answer.body.fieldErrors) setError(answer.body.message ?? "Could not set the password. Try again.");
      return;
    }
    const login = await signIn("credentials", { email: String(answer.body.email), password, redirect: false });
    router.push(login?.error ? "/login" : "/dashboard");
    router.refresh();
  }

  if (invalid) return <InvalidResetLink />;
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-lg font-semibold">Choose a new password</h1>
      <p className="text-sm text-slate-500">Setting it signs out every device signed in to your account.</p>
      {error && <Alert>{error}</Alert>}
      <PasswordField id="password" name="password" label="New password" autoComplete="new-password" error={fieldError} required />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Saving…" : "Set the new password"}
      </Button>
    </form>
  );
}
