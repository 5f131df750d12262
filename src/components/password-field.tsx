"use client";

import { useEffect, useRef, useState, type InputHTMLAttributes } from "react";
import { Field } from "~/components/ui";
import { PASSWORD_RULES } from "~/lib/password-rules";

/**
 * A new-password field with the server's rules (validation.ts) listed under it from the start and
 * ticked off as the user types. A refusal by one of those rules marks that rule instead of adding
 * a message below, so the form does not move; any other error shows as usual.
 */
export function PasswordField({
  id,
  label,
  error,
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "value" | "defaultValue" | "onChange"> & { id: string; label: string; error?: string[] }) {
  const [value, setValue] = useState("");
  const input = useRef<HTMLInputElement>(null);
  // The field stays uncontrolled so that a form.reset() after success clears it; the rules follow.
  useEffect(() => {
    const form = input.current?.form;
    const cleared = () => setValue("");
    form?.addEventListener("reset", cleared);
    return () => form?.removeEventListener("reset", cleared);
  }, []);
  const refused = new Set(error ?? []);
  const byRules = PASSWORD_RULES.filter((rule) => refused.has(rule.message));
  const other = (error ?? []).filter((message) => !byRules.some((rule) => rule.message === message));
  const rules = (
    <ul className="space-y-0.5 text-xs" data-testid={`${id}-rules`}>
      {PASSWORD_RULES.map((rule) => {
        const state = rule.test(value) ? "met" : byRules.includes(rule) ? "refused" : "pending";
        return (
          <li
            key={rule.id}
            data-rule={rule.id}
            data-state={state}
            className={state === "met" ? "text-emerald-700" : state === "refused" ? "font-medium text-red-600" : "text-slate-500"}
          >
            <span aria-hidden="true" className="inline-block w-4">
              {state === "met" ? "✓" : state === "refused" ? "✗" : "•"}
            </span>
            {rule.label}
            <span className="sr-only">{state === "met" ? " (met)" : " (not met yet)"}</span>
          </li>
        );
      })}
    </ul>
  );
  return (
    <Field
      {...props}
      id={id}
      label={label}
      type="password"
      ref={input}
      onChange={(event) => setValue(event.target.value)}
      hint={rules}
      error={other}
      aria-invalid={error?.length ? true : undefined}
    />
  );
}
