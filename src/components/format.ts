/**
 * Stripe amounts are in the currency's smallest unit: cents for USD, whole yen for JPY (a
 * zero-decimal currency has no minor unit). Intl knows how many fraction digits each has.
 */
function fromMinorUnits(amount: number, currency: string) {
  const digits = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  return { value: amount / 10 ** digits, digits };
}

/** An amount in minor units with a currency, as the user reads it ($29.00, ¥500). */
export const formatMoney = (amount: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(fromMinorUnits(amount, currency).value);

/** Whole units when there is no fraction ($29), else with it ($29.50). */
export const formatPrice = (amount: number, currency: string) => {
  const { value, digits } = fromMinorUnits(amount, currency);
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: Number.isInteger(value) ? 0 : digits,
  }).format(value);
};

/** A UTC calendar date: billing dates are UTC. */
export const formatDate = (date: Date | string | null | undefined) =>
  date ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date)) : "—";

/** A UTC instant to the minute (2026-01-31 14:05 UTC), for "last used" and "last seen". */
export const formatDateTime = (date: Date | string) => new Date(date).toISOString().slice(0, 16).replace("T", " ") + " UTC";

export const formatLimit = (limit: number | null) => (limit === null ? "Unlimited" : new Intl.NumberFormat("en-US").format(limit));
