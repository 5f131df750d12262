"use client";

import Link from "next/link";
import { useState } from "react";
import { Alert, Button, Field } from "~/components/ui";

/**
 * The one-field "name it and create it" form of the dashboard. `onCreate` returns whether it
 * succeeded, so the field is cleared only then; a field error shows under the input, any other
 * error as an alert. `children` are further fields of the same form, shown before the button.
 */
export function NameForm({
  id,
  label,
  submitLabel,
  pending,
  error,
  variant = "primary",
  onCreate,
  children,
}: {
  id: string;
  label: string;
  submitLabel: string;
  pending: boolean;
  error: { message: string; data?: { fieldErrors?: Record<string, string[]> | null; appCode?: string | null } | null } | null;
  variant?: "primary" | "secondary";
  onCreate: (name: string) => Promise<unknown>;
  children?: React.ReactNode;
}) {
  const [name, setName] = useState("");
  const fieldError = error?.data?.fieldErrors?.name;
  return (
    <>
      <form
        className="flex items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          onCreate(name).then(
            () => setName(""),
            () => undefined,
          );
        }}
      >
        <div className="flex-1">
          <Field id={id} label={label} value={name} onChange={(e) => setName(e.target.value)} error={fieldError} />
        </div>
        {children}
        <Button type="submit" variant={variant} disabled={pending || !name.trim()}>
          {pending ? "Creating…" : submitLabel}
        </Button>
      </form>
      {error && !fieldError && (
        <div className="mt-3">
          <Alert>
            {error.message}
            {error.data?.appCode === "PAYMENT_REQUIRED" && (
              <>
                {" "}
                <Link className="font-medium underline" href="/dashboard/billing/upgrade">
                  See plans
                </Link>
              </>
            )}
          </Alert>
        </div>
      )}
    </>
  );
}
