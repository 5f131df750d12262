/** Integer cents with a currency, as the user reads it ($29.00). */
export const formatMoney = (cents: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);

/** Whole dollars when there are no cents ($29), else cents ($29.50). */
export const formatPrice = (cents: number, currency: string) =>
  new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100);

/** A UTC calendar date: billing dates are UTC. */
export const formatDate = (date: Date | string | null | undefined) =>
  date ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date)) : "—";

/** A UTC instant to the minute (2026-01-31 14:05 UTC), for "last used" and "last seen". */
export const formatDateTime = (date: Date | string) => new Date(date).toISOString().slice(0, 16).replace("T", " ") + " UTC";

export const formatLimit = (limit: number | null) => (limit === null ? "Unlimited" : new Intl.NumberFormat("en-US").format(limit));
