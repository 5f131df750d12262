"use client";

import { useActionState } from "react";
import { signOutAction } from "./actions";

/** Sign-out that says so when it failed (the session could not be ended, the cookie is kept). */
export function SignOutButton() {
  const [state, action, pending] = useActionState(signOutAction, null);
  return (
    <form action={action} className="mt-3">
      <button type="submit" disabled={pending} className="text-sm font-medium text-slate-600 hover:text-slate-900">
        {pending ? "Signing out…" : "Sign out"}
      </button>
      {state?.error && (
        <p role="alert" className="mt-1 text-xs text-red-600">
          {state.error}
        </p>
      )}
    </form>
  );
}
