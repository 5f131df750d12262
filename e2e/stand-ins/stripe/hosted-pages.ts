import { day, money, type InvoiceLine } from "./format";
import type { Store, StripeObject } from "./store";

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The hosted Checkout page: a summary of what is bought and a card form. */
export function checkoutPage(store: Store, session: StripeObject, error?: string) {
  const pending = (session as unknown as { __subscription: { price?: string; trialDays: number } }).__subscription;
  const price = pending.price ? store.get("price", pending.price) : null;
  const product = price ? store.get("product", price.product as string) : null;
  const interval = (price?.recurring as { interval?: string } | null)?.interval;
  const summary = price
    ? `${esc(product?.name)} — ${money(price.unit_amount as number, price.currency as string)} / ${esc(interval)}`
    : "Save a card for future payments";
  const button =
    session.mode === "setup" ? "Save card" : pending.trialDays ? `Start ${pending.trialDays}-day trial` : "Subscribe";
  const closed = session.status !== "open";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Checkout — Stripe stand-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0;display:flex;justify-content:center;padding:48px 16px}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001;padding:32px;width:100%;max-width:420px}
h1{font-size:20px;margin:0 0 4px}p.sum{color:#697386;margin:0 0 24px}label{display:block;font-size:14px;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #d7dde5;border-radius:6px;font-size:15px}
button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;font-size:16px;cursor:pointer}
.err{background:#fff1f0;color:#a8071a;border:1px solid #ffccc7;padding:10px;border-radius:6px;margin-bottom:8px}
.note{font-size:12px;color:#8792a2;margin-top:16px}a{color:#635bff}
</style></head><body><main>
<h1>${pending.trialDays && session.mode === "subscription" ? `${pending.trialDays} days free` : "Checkout"}</h1>
<p class="sum">${summary}</p>
${error ? `<div class="err" role="alert">${esc(error)}</div>` : ""}
${
  closed
    ? `<p>This Checkout Session is ${esc(session.status)}.</p>`
    : `<form method="post" action="/checkout/${esc(session.id)}">
${session.customer ? "" : `<label for="email">Email</label><input id="email" name="email" type="email" value="${esc(session.customer_email)}" required>`}
<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
<label for="cardExpiry">Expiry (MM / YY)</label><input id="cardExpiry" name="cardExpiry" placeholder="12 / 34" required>
<label for="cardCvc">CVC</label><input id="cardCvc" name="cardCvc" placeholder="123" required>
<label for="name">Name on card</label><input id="name" name="name" autocomplete="cc-name">
<button type="submit">${esc(button)}</button>
</form>
${session.cancel_url ? `<p class="note"><a href="/checkout/${esc(session.id)}/cancel">Cancel and go back</a></p>` : ""}`
}
<p class="note">Local Stripe stand-in · test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0341 fails when charged, 4000 0000 0000 9995 is declined.</p>
</main></body></html>`;
}

/** The hosted billing portal: the customer's subscriptions, with cancel and switch-plan forms. */
export function portalPage(store: Store, session: StripeObject, notice?: string) {
  const subs = [...store.table("subscription").values()].filter((s) => s.customer === session.customer && s.status !== "canceled");
  const prices = [...store.table("price").values()].filter((p) => p.active && p.recurring);
  const label = (price: StripeObject) =>
    `${esc(store.get("product", price.product as string).name)} — ${money(price.unit_amount as number, price.currency as string)} / ${esc((price.recurring as { interval: string }).interval)}`;
  const rows = subs
    .map((sub) => {
      const item = (sub.items as { data: StripeObject[] }).data[0]!;
      const price = item.price as StripeObject;
      const options = prices
        .filter((p) => p.id !== price.id)
        .map((p) => `<option value="${esc(p.id)}">${label(p)}</option>`)
        .join("");
      return `<section data-subscription="${esc(sub.id)}"><h2>${label(price)}</h2>
<p>Status: ${esc(sub.status)}${sub.cancel_at_period_end ? " · cancels at period end" : ""}</p>
${sub.cancel_at_period_end ? "" : `<form method="post" action="/portal/${esc(session.id)}/cancel"><input type="hidden" name="subscription" value="${esc(sub.id)}"><button type="submit">Cancel plan</button></form>`}
<form method="post" action="/portal/${esc(session.id)}/switch"><input type="hidden" name="subscription" value="${esc(sub.id)}">
<label for="price-${esc(sub.id)}">Switch plan</label><select id="price-${esc(sub.id)}" name="price">${options}</select><button type="submit">Update plan</button></form></section>`;
    })
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing portal — Stripe stand-in</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;max-width:560px;margin:40px auto;padding:0 16px}
section{background:#fff;border-radius:10px;box-shadow:0 2px 10px #0001;padding:20px;margin:16px 0}
button{margin-top:8px;padding:8px 14px;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}
select{margin-left:8px;padding:6px}.notice{background:#f0fff4;border:1px solid #b7eb8f;padding:10px;border-radius:6px}</style></head><body>
<h1>Manage your subscription</h1>
${notice ? `<p class="notice" role="status">${esc(notice)}</p>` : ""}
${rows || "<p>No active subscription.</p>"}
${session.return_url ? `<p><a href="${esc(session.return_url)}">Return to the app</a></p>` : ""}
</body></html>`;
}

/** The hosted invoice page: what is billed, a PDF link and, while the invoice is open, a card form to pay it. */
export function invoicePage(invoice: StripeObject, notice?: { error?: string; ok?: string }) {
  const currency = invoice.currency as string;
  const lines = (invoice.lines as { data: InvoiceLine[] }).data
    .map((l) => `<tr><td>${esc(l.description)}<br><small>${day(l.period.start)} – ${day(l.period.end)}</small></td><td class="num">${money(l.amount, currency)}</td></tr>`)
    .join("");
  const open = invoice.status === "open";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(invoice.number)} — Stripe stand-in</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;max-width:560px;margin:40px auto;padding:0 16px}
main{background:#fff;border-radius:10px;box-shadow:0 2px 10px #0001;padding:24px}table{width:100%;border-collapse:collapse}
td{padding:8px 0;border-bottom:1px solid #eef1f5}.num{text-align:right}small{color:#697386}
.status{display:inline-block;padding:2px 8px;border-radius:10px;background:#eef1f5;font-size:13px}
label{display:block;font-size:14px;margin:10px 0 4px}input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #d7dde5;border-radius:6px}
button{margin-top:14px;width:100%;padding:10px;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}
.err{background:#fff1f0;color:#a8071a;padding:10px;border-radius:6px}.ok{background:#f0fff4;padding:10px;border-radius:6px}</style></head><body><main>
<h1>${esc(invoice.account_name)}</h1>
<p>Invoice <strong>${esc(invoice.number)}</strong> · <span class="status" data-status="${esc(invoice.status)}">${esc(invoice.status)}</span></p>
<p>Billed to ${esc(invoice.customer_email ?? invoice.customer_name ?? invoice.customer)} · ${day(invoice.created as number)}</p>
${notice?.error ? `<p class="err" role="alert">${esc(notice.error)}</p>` : ""}${notice?.ok ? `<p class="ok" role="status">${esc(notice.ok)}</p>` : ""}
<table>${lines}<tr><td><strong>Total</strong></td><td class="num"><strong>${money(invoice.total as number, currency)}</strong></td></tr>
<tr><td>Amount ${open ? "due" : "paid"}</td><td class="num">${money((open ? invoice.amount_due : invoice.amount_paid) as number, currency)}</td></tr></table>
<p><a href="${esc(invoice.invoice_pdf)}">Download invoice (PDF)</a></p>
${
  open
    ? `<form method="post" action="/invoice/${esc(invoice.id)}">
<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" placeholder="4242 4242 4242 4242" required>
<label for="cardExpiry">Expiry (MM / YY)</label><input id="cardExpiry" name="cardExpiry" placeholder="12 / 34" required>
<label for="cardCvc">CVC</label><input id="cardCvc" name="cardCvc" placeholder="123" required>
<button type="submit">Pay ${money(invoice.amount_due as number, currency)}</button></form>`
    : ""
}
</main></body></html>`;
}
