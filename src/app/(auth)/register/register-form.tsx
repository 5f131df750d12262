"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { PasswordField } from "~/components/password-field";
import { Alert, Button, Field } from "~/components/ui";

type FieldErrors = Record<string, string[] | undefined>;

export interface RegisterInvitation {
  token: string;
  email: string;
  organizationName: string;
}

/** With an invitation the email is the invited one (fixed) and the account joins that org. */
export function RegisterForm({ invitation = null, invitationUnusable = false }: { invitation?: RegisterInvitation | null; invitationUnusable?: boolean }) {
  const router = useRouter();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // With an invitation the address is fixed: if it has an account already, signing in accepts.
  const [accountExists, setAccountExists] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      ...(invitation ? { email: invitation.email, invitationToken: invitation.token } : {}),
    };
    setPending(true);
    setError(null);
    setFieldErrors({});
    setAccountExists(false);
    try {
      const res = await fetch("/api/auth/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.status === 409 && invitation) {
        setAccountExists(true);
        return;
      }
      if (!res.ok) {
        const payload = (await res.json().catch(() => ({}))) as { message?: string; fieldErrors?: FieldErrors };
        setFieldErrors(payload.fieldErrors ?? {});
        setError(payload.fieldErrors ? null : (payload.message ?? "Could not create the account."));
        return;
      }
      const login = await signIn("credentials", { email: body.email, password: body.password, redirect: false });
      if (login?.error) {
        router.push("/login");
        return;
      }
      router.push("/dashboard");
      router.refresh();
    } catch {
      setError("Network error. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-lg font-semibold">{invitation ? `Create your account to join ${invitation.organizationName}` : "Create your account"}</h1>
      {invitationUnusable && (
        <Alert tone="warning">This invitation link can no longer be used; you can still create an account of your own.</Alert>
      )}
      {error && <Alert>{error}</Alert>}
      {accountExists && invitation && (
        <Alert tone="warning">
          An account with {invitation.email} exists already.{" "}
          <Link
            href={`/login?callbackUrl=${encodeURIComponent(`/invitations/${encodeURIComponent(invitation.token)}`)}`}
            className="font-medium underline"
          >
            Sign in to accept
          </Link>{" "}
          the invitation with it.
        </Alert>
      )}
      <Field id="name" name="name" label="Name" autoComplete="name" error={fieldErrors.name} required />
      <Field
        id="email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        error={fieldErrors.email}
        required
        {...(invitation ? { defaultValue: invitation.email, readOnly: true } : {})}
      />
      <PasswordField id="password" name="password" label="Password" autoComplete="new-password" error={fieldErrors.password} required />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-slate-500">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-brand-600 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
