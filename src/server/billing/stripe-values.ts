/** Stripe's wire values as the database stores them: Unix seconds → UTC dates, expandable fields → ids. */
export const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);
export const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

/** Stripe answered that the object does not exist (deleted, or never in this account). */
export const isMissing = (error: unknown) => (error as { code?: string }).code === "resource_missing";
/** A retrieve that gives null for an object Stripe does not have; any other error is thrown. */
export const orNull = <T>(read: Promise<T>): Promise<T | null> =>
  read.catch((error: unknown) => {
    if (isMissing(error)) return null;
    throw error;
  });
