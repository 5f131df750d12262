/** Stripe subscription statuses, grouped as the app acts on them. */

/** Not ended: the org "has a subscription" (checkout refuses a second one; plan actions find it). */
export const LIVE_STATUSES = ["trialing", "active", "past_due", "unpaid", "incomplete", "paused"] as const;
/** Will charge the card at the next invoice. */
export const CHARGING_STATUSES = ["trialing", "active", "past_due"] as const;

export const isLive = (status: string) => (LIVE_STATUSES as readonly string[]).includes(status);
export const isCharging = (status: string) => (CHARGING_STATUSES as readonly string[]).includes(status);
/** Whose plan can change in place (plan-changes.ts): anything else settles first, or starts over in checkout. */
export const CHANGEABLE_STATUSES = ["trialing", "active"] as const;
/** That can be set to end at the period end (plan-changes.ts). */
export const CANCELABLE_STATUSES = ["trialing", "active", "past_due", "unpaid"] as const;

export const isChangeable = (status: string) => (CHANGEABLE_STATUSES as readonly string[]).includes(status);
export const isCancelable = (status: string) => (CANCELABLE_STATUSES as readonly string[]).includes(status);
