"use client";

import Link from "next/link";
import { useState } from "react";
import { postJson } from "~/components/post-json";
import { Alert, Button, Field } from "~/components/ui";

/** Asks for a reset link. The answer is the same whether or not the email has an account. */
export function ForgotPasswordForm() {
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string[] | undefined>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setPending(true);
    setError(null);
    setFieldError(undefined);
    const answer = await postJson("/api/auth/password-reset", { email });
    setPending(false);
    if (answer.ok) return setSent(answer.body.message ?? "Check your inbox.");
    setFieldError(answer.body.fieldErrors?.email);
    if (!answer.body.fieldErrors) setError(answer.body.message ?? "Could not send the link. Try again.");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-lg font-semibold">Reset your password</h1>
      {sent ? (
        <Alert tone="success">{sent}</Alert>
      ) : (
        <>
          <p className="text-sm text-slate-500">Enter the email you sign in with and we will send you a link to choose a new password.</p>
          {error && <Alert>{error}</Alert>}
          <Field id="email" name="email" type="email" label="Email" autoComplete="email" error={fieldError} required />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? "Sending…" : "Send the reset link"}
          </Button>
        </>
      )}
      <p className="text-center text-sm text-slate-500">
        <Link href="/login" className="font-medium text-brand-600 hover:underline">
          Back to sign in
        </Link>
      </p>
    </form>
  );
}
