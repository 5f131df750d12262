/** Stripe's wire values as the database stores them: Unix seconds → UTC dates, expandable fields → ids. */
export const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);
export const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));
