import type { StripeApiError } from "../errors";
import { str, type Params } from "../resources/params";
import { esc } from "./html";

/** An error about the card itself (declined, wrong number), which belongs next to the card field. */
export const isCardError = (error: StripeApiError) => error.type === "card_error" || Boolean(error.param?.startsWith("card"));

const value = (form: Params, key: string) => {
  const typed = str(form, key);
  return typed ? ` value="${esc(typed)}"` : "";
};

/**
 * The card inputs of Checkout and of the invoice page. After a failed attempt they keep what was
 * typed, except the CVC: it belongs to the card just refused and is never echoed back (Stripe
 * never stores it either). A card error is shown under the card number, which is marked invalid
 * and takes the focus, so a keyboard or screen-reader user lands on what to fix.
 */
export function cardFields(form: Params = {}, cardError?: string) {
  const invalid = cardError ? ` aria-invalid="true" aria-describedby="card-error" autofocus` : "";
  return `<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required${value(form, "cardNumber")}${invalid}>
${cardError ? `<p id="card-error" class="err" role="alert">${esc(cardError)}</p>` : ""}
<label for="cardExpiry">Expiry (MM / YY)</label><input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="12 / 34" required${value(form, "cardExpiry")}>
<label for="cardCvc">CVC</label><input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" required>`;
}

/** Any other error: on top of the form, focused so that it is read first. */
export const formError = (message?: string) =>
  message ? `<div class="err" role="alert" tabindex="-1" autofocus>${esc(message)}</div>` : "";
