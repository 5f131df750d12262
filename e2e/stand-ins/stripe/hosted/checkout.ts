import { StripeApiError } from "../errors";
import { completeCheckout } from "../resources/checkout";
import type { Params } from "../resources/params";
import type { Store, StripeObject } from "../store";
import { money } from "../format";
import { cardFields, formError, isCardError } from "./card-fields";
import type { HostedHandler } from "./context";
import { esc, hostedDocument, readForm, sendHtml } from "./html";

const CSS = `body{display:flex;justify-content:center;padding:48px 16px}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001;padding:32px;width:100%;max-width:420px}
h1{font-size:20px;margin:0 0 4px}p.sum{color:#697386;margin:0 0 24px}label{display:block;font-size:14px;margin:12px 0 4px}
input{width:100%;padding:10px;border:1px solid #d7dde5;border-radius:6px;font-size:15px}
input[aria-invalid=true]{border-color:#a8071a}
button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;font-size:16px;cursor:pointer}
.err{background:#fff1f0;color:#a8071a;border:1px solid #ffccc7;padding:10px;border-radius:6px;margin:8px 0}
.note{font-size:12px;color:#697386;margin-top:16px}
@media (max-width:420px){body{padding:16px 8px}main{padding:20px}}`;

/** A failed attempt: the error, and what was typed to be shown again. */
export type Attempt = { error: StripeApiError; form: Params };

/** The hosted Checkout page: a summary of what is bought and a card form. */
export function checkoutPage(store: Store, session: StripeObject, attempt?: Attempt) {
  const pending = (session as unknown as { __subscription: { price?: string; trialDays: number } }).__subscription;
  const price = pending.price ? store.get("price", pending.price) : null;
  const product = price ? store.get("product", price.product as string) : null;
  const interval = (price?.recurring as { interval?: string } | null)?.interval;
  const summary = price
    ? `${esc(product?.name)} — ${money(price.unit_amount as number, price.currency as string)} / ${esc(interval)}`
    : "Save a card for future payments";
  const button =
    session.mode === "setup" ? "Save card" : pending.trialDays ? `Start ${pending.trialDays}-day trial` : "Subscribe";
  const form = attempt?.form ?? {};
  const cardError = attempt && isCardError(attempt.error) ? attempt.error.message : undefined;
  const email = (form.email as string | undefined) ?? session.customer_email;
  const body =
    session.status !== "open"
      ? `<p>This Checkout Session is ${esc(session.status)}.</p>`
      : `<form method="post" action="/checkout/${esc(session.id)}">
${session.customer ? "" : `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" value="${esc(email)}" required>`}
${cardFields(form, cardError)}
<label for="name">Name on card</label><input id="name" name="name" autocomplete="cc-name" value="${esc(form.name)}">
<button type="submit">${esc(button)}</button>
</form>
${session.cancel_url ? `<p class="note"><a href="/checkout/${esc(session.id)}/cancel">Cancel and go back</a></p>` : ""}`;
  return hostedDocument(
    "Checkout",
    CSS,
    `<main>
<h1>${pending.trialDays && session.mode === "subscription" ? `${pending.trialDays} days free` : "Checkout"}</h1>
<p class="sum">${summary}</p>
${attempt && !cardError ? formError(attempt.error.message) : ""}
${body}
<p class="note">Local Stripe stand-in · test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0341 fails when charged, 4000 0000 0000 9995 is declined.</p>
</main>`,
  );
}

/** GET shows the page, POST pays it (303 to success_url), `/cancel` goes back to cancel_url. */
export const handleHostedCheckout: HostedHandler = async ({ store, emit }, req, res, match) => {
  const session = store.table("checkout.session").get(match[1]!);
  if (!session) return sendHtml(res, 404, "<h1>No such Checkout Session</h1>");
  if (match[2]) {
    res.writeHead(303, { location: (session.cancel_url as string | null) ?? "/" }).end();
    return;
  }
  if (req.method !== "POST") return sendHtml(res, 200, checkoutPage(store, session));
  const form = await readForm(req);
  try {
    res.writeHead(303, { location: completeCheckout(store, emit, session, form) }).end();
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    sendHtml(res, error.status, checkoutPage(store, session, { error, form }));
  }
};
