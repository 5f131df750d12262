/**
 * Stripe's subscription and invoice statuses as a customer reads them. The raw status stays the
 * key (tests and styles use it); an unknown one is shown capitalised rather than hidden.
 */
const LABELS: Record<string, string> = {
  trialing: "Trial",
  active: "Active",
  past_due: "Past due",
  unpaid: "Unpaid",
  paused: "Paused",
  canceled: "Canceled",
  incomplete: "Incomplete",
  incomplete_expired: "Expired",
  draft: "Draft",
  open: "Open",
  paid: "Paid",
  uncollectible: "Uncollectible",
  void: "Void",
};

export function statusLabel(status: string) {
  const known = LABELS[status];
  if (known) return known;
  const words = status.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
