"use client";

import { usePathname } from "next/navigation";
import { useEffect } from "react";
import { toast as sonner } from "sonner";

type Tone = "success" | "error" | "info";

/**
 * The app's toasts: one at a time (a new one replaces the one showing, so "Card removed." never
 * stacks under the error it answers), gone when the user moves to another page, success and info
 * dismissed after a while, an error kept until closed because the user may need to act on it.
 * Sonner only positions and animates them; the body below carries the role and the close button.
 */
const SHOWN_MS = 6_000;
let current: { id: string | number; pathname: string } | null = null;

/**
 * `path`: the page the toast belongs to, when it is shown just before a navigation there (a plan
 * change that then opens Billing): without it the toast belongs to the page it was shown on and
 * would be dismissed on arrival.
 */
type ShowOptions = { path?: string };

function show(tone: Tone, message: string, options: ShowOptions = {}) {
  if (current) sonner.dismiss(current.id);
  const id = sonner.custom((toastId) => <ToastBody tone={tone} message={message} onClose={() => sonner.dismiss(toastId)} />, {
    duration: tone === "error" ? Number.POSITIVE_INFINITY : SHOWN_MS,
  });
  current = { id, pathname: options.path ?? window.location.pathname };
}

export const toast = Object.assign((message: string, options?: ShowOptions) => show("info", message, options), {
  success: (message: string, options?: ShowOptions) => show("success", message, options),
  error: (message: string, options?: ShowOptions) => show("error", message, options),
  info: (message: string, options?: ShowOptions) => show("info", message, options),
});

const TONES: Record<Tone, string> = {
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  error: "border-red-200 bg-red-50 text-red-900",
  info: "border-slate-200 bg-white text-slate-800",
};

function ToastBody({ tone, message, onClose }: { tone: Tone; message: string; onClose: () => void }) {
  return (
    <div
      data-testid="toast"
      data-tone={tone}
      // An error interrupts (alert); anything else waits for the screen reader to pause (status).
      role={tone === "error" ? "alert" : "status"}
      className={`flex w-full items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-md sm:w-[356px] ${TONES[tone]}`}
    >
      <p className="min-w-0 flex-1 break-words">{message}</p>
      <button
        type="button"
        aria-label="Dismiss notification"
        onClick={onClose}
        className="-my-1 -mr-2 rounded px-2 py-1 text-lg leading-none opacity-70 hover:opacity-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      >
        ×
      </button>
    </div>
  );
}

/**
 * Dismisses the toast when the user moves to another page. A toast shown by the new page itself
 * (a flash after a redirect) was raised on the new path, so it stays: this effect runs after the
 * page's own effects, which is why the comparison is by path and not by order. A toast shown for
 * the page being opened (`{ path }`) stays on arrival for the same reason.
 */
export function ToastNavigationReset() {
  const pathname = usePathname();
  useEffect(() => {
    if (current && current.pathname !== pathname) {
      sonner.dismiss(current.id);
      current = null;
    }
  }, [pathname]);
  return null;
}
