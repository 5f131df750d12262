import { statusLabel } from "~/components/status-labels";

const TONES: Record<string, string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  trialing: "bg-sky-50 text-sky-700 ring-sky-200",
  paid: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  paused: "bg-slate-100 text-slate-600 ring-slate-200",
  past_due: "bg-amber-50 text-amber-800 ring-amber-200",
  open: "bg-amber-50 text-amber-800 ring-amber-200",
  unpaid: "bg-red-50 text-red-700 ring-red-200",
  uncollectible: "bg-red-50 text-red-700 ring-red-200",
  canceled: "bg-slate-100 text-slate-600 ring-slate-200",
  void: "bg-slate-100 text-slate-600 ring-slate-200",
};

/** A subscription or invoice status as a coloured pill with its human label; the raw status stays in `data-status`. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-status={status}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[status] ?? "bg-slate-100 text-slate-600 ring-slate-200"}`}
    >
      {statusLabel(status)}
    </span>
  );
}
