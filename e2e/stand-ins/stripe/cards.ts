import { createHash } from "node:crypto";
import { StripeApiError } from "./errors";

/** What a test card does, as in Stripe's testing docs. */
export type CardBehavior = "succeeds" | "fails_on_charge" | "declined";

const MAGIC_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_mastercard: "5555555555554444",
  pm_card_chargeCustomerFail: "4000000000000341",
  pm_card_visa_chargeDeclinedInsufficientFunds: "4000000000009995",
};

export const magicCardNumber = (id: string) => MAGIC_PAYMENT_METHODS[id];

export function cardBehavior(number: string): CardBehavior {
  if (number === "4000000000000341") return "fails_on_charge";
  if (number === "4000000000009995" || number === "4000000000000002") return "declined";
  return "succeeds";
}

export function brandOf(number: string) {
  if (number.startsWith("4")) return "visa";
  if (/^5[1-5]/.test(number) || /^2[2-7]/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  return "unknown";
}

/** The error a declined card raises, in Stripe's card_error shape. */
export function cardDeclined(number: string) {
  const insufficient = number === "4000000000009995";
  const error = new StripeApiError(
    402,
    "card_error",
    insufficient ? "Your card has insufficient funds." : "Your card was declined.",
    "card_declined",
  );
  return Object.assign(error, { declineCode: insufficient ? "insufficient_funds" : "generic_decline" });
}

export function luhnValid(number: string) {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return /^\d{12,19}$/.test(number) && sum % 10 === 0;
}

/**
 * Stripe's `card.fingerprint`: the same card number always has the same fingerprint within an
 * account, whichever customer or payment method carries it (apps use it to spot a reused card).
 */
export function fingerprintOf(number: string) {
  return createHash("sha256").update(`card:${number}`).digest("base64url").replace(/[-_]/g, "x").slice(0, 16);
}
