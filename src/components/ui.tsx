import Link from "next/link";
import type { ButtonHTMLAttributes, ComponentProps, ReactNode } from "react";

const cx = (...parts: (string | false | null | undefined)[]) => parts.filter(Boolean).join(" ");

type Variant = "primary" | "secondary" | "danger";

/** The look of a button, shared by real buttons and by links styled as buttons (never a button inside a link). */
const buttonClass = (variant: Variant, className?: string) =>
  cx(
    "inline-flex items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-medium shadow-sm transition",
    "focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2",
    "disabled:cursor-not-allowed disabled:opacity-60",
    variant === "primary" && "bg-brand-600 text-white hover:bg-brand-700",
    variant === "secondary" && "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
    variant === "danger" && "border border-red-200 bg-white text-red-700 hover:bg-red-50",
    className,
  );

export function Button({ variant = "primary", className, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button className={buttonClass(variant, className)} {...props} />;
}

/** A navigation that looks like a button: one element, one tab stop (issue 14, point 6). */
export function ButtonLink({ variant = "primary", className, ...props }: ComponentProps<typeof Link> & { variant?: Variant }) {
  return <Link className={buttonClass(variant, className)} {...props} />;
}

/**
 * A wide table scrolls inside its own box on a narrow screen instead of widening the page; the box
 * is focusable and named so a keyboard user can scroll it too. It is `relative` so that absolutely
 * positioned cell content (`sr-only` headers) is clipped by it too instead of widening the page.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="relative -mx-2 overflow-x-auto px-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
      {children}
    </div>
  );
}

/**
 * The look of a text input or textarea. Its focus ring is the brand colour at full strength: a pale
 * ring on white is not a visible indicator (3:1 against its surroundings, WCAG 2.2 non-text contrast).
 */
export const inputClass = cx(
  "block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-sm outline-none transition",
  "focus:border-brand-500 focus:ring-2 focus:ring-brand-500",
);

export function Field({
  label,
  error,
  hint,
  id,
  ...props
}: ComponentProps<"input"> & { label: string; error?: string[] | string; hint?: ReactNode; id: string }) {
  const message = Array.isArray(error) ? error[0] : error;
  const describedBy = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={cx(inputClass, message || props["aria-invalid"] ? "border-red-400" : "border-slate-300")}
        {...props}
      />
      {hint && <div id={`${id}-hint`}>{hint}</div>}
      {message && (
        <p id={`${id}-error`} className="text-sm text-red-600">
          {message}
        </p>
      )}
    </div>
  );
}

/** A titled panel; `tone="danger"` sets apart an action that cannot simply be undone. */
export function Card({ title, action, tone, children }: { title?: ReactNode; action?: ReactNode; tone?: "danger"; children: ReactNode }) {
  return (
    <section className={cx("rounded-xl border bg-white p-6 shadow-sm", tone === "danger" ? "border-red-200" : "border-slate-200")}>
      {(title || action) && (
        <div className="mb-4 flex items-center justify-between gap-4">
          {title && <h2 className={cx("text-base font-semibold", tone === "danger" ? "text-red-800" : "text-slate-900")}>{title}</h2>}
          {action}
        </div>
      )}
      {children}
    </section>
  );
}

export function Alert({ tone = "error", children }: { tone?: "error" | "warning" | "success" | "info"; children: ReactNode }) {
  return (
    <div
      role={tone === "error" || tone === "warning" ? "alert" : "status"}
      className={cx(
        "rounded-lg border px-4 py-3 text-sm",
        tone === "error" && "border-red-200 bg-red-50 text-red-800",
        tone === "warning" && "border-amber-200 bg-amber-50 text-amber-900",
        tone === "success" && "border-emerald-200 bg-emerald-50 text-emerald-800",
        tone === "info" && "border-slate-200 bg-slate-50 text-slate-700",
      )}
    >
      {children}
    </div>
  );
}

export function PageHeader({ title, description }: { title: string; description?: string }) {
  return (
    <header className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      {description && <p className="mt-1 text-sm text-slate-500">{description}</p>}
    </header>
  );
}
