import { cardBehavior, cardDeclined } from "../cards";
import { StripeApiError } from "../errors";
import { invoicePdf } from "../invoice-pdf";
import { day, money, type InvoiceLine } from "../format";
import { payOpenInvoice } from "../resources/billing";
import { str, type Params } from "../resources/params";
import { attachPaymentMethod, createCardPaymentMethod } from "../resources/payment-methods";
import type { StripeObject } from "../store";
import { cardFields, formError, isCardError } from "./card-fields";
import type { HostedHandler } from "./context";
import { esc, hostedDocument, readForm, sendHtml } from "./html";

const CSS = `body{max-width:560px;margin:40px auto;padding:0 16px}
main{background:#fff;border-radius:10px;box-shadow:0 2px 10px #0001;padding:24px}table{width:100%;border-collapse:collapse}
td{padding:8px 0;border-bottom:1px solid #eef1f5}.num{text-align:right}small{color:#697386}
.status{display:inline-block;padding:2px 8px;border-radius:10px;background:#eef1f5;font-size:13px}
label{display:block;font-size:14px;margin:10px 0 4px}input{width:100%;padding:8px;border:1px solid #d7dde5;border-radius:6px}
input[aria-invalid=true]{border-color:#a8071a}
button{margin-top:14px;width:100%;padding:10px;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}
.err{background:#fff1f0;color:#a8071a;padding:10px;border-radius:6px}.ok{background:#f0fff4;padding:10px;border-radius:6px}
@media (max-width:420px){body{margin:16px auto}main{padding:16px}}`;

type Notice = { ok: string } | { error: StripeApiError; form: Params };

/** The hosted invoice page: what is billed, a PDF link and, while the invoice is open, a card form to pay it. */
export function invoicePage(invoice: StripeObject, notice?: Notice) {
  const currency = invoice.currency as string;
  const lines = (invoice.lines as { data: InvoiceLine[] }).data
    .map((l) => `<tr><td>${esc(l.description)}<br><small>${day(l.period.start)} – ${day(l.period.end)}</small></td><td class="num">${money(l.amount, currency)}</td></tr>`)
    .join("");
  const open = invoice.status === "open";
  const failed = notice && "error" in notice ? notice : undefined;
  const cardError = failed && isCardError(failed.error) ? failed.error.message : undefined;
  return hostedDocument(
    `Invoice ${String(invoice.number)}`,
    CSS,
    `<main>
<h1>${esc(invoice.account_name)}</h1>
<p>Invoice <strong>${esc(invoice.number)}</strong> · <span class="status" data-status="${esc(invoice.status)}">${esc(invoice.status)}</span></p>
<p>Billed to ${esc(invoice.customer_email ?? invoice.customer_name ?? invoice.customer)} · ${day(invoice.created as number)}</p>
${failed && !cardError ? formError(failed.error.message) : ""}${notice && "ok" in notice ? `<p class="ok" role="status">${esc(notice.ok)}</p>` : ""}
<table>${lines}<tr><td><strong>Total</strong></td><td class="num"><strong>${money(invoice.total as number, currency)}</strong></td></tr>
<tr><td>Amount ${open ? "due" : "paid"}</td><td class="num">${money((open ? invoice.amount_due : invoice.amount_paid) as number, currency)}</td></tr></table>
<p><a href="${esc(invoice.invoice_pdf)}">Download invoice (PDF)</a></p>
${
  open
    ? `<form method="post" action="/invoice/${esc(invoice.id)}">
${cardFields(failed?.form, cardError)}
<button type="submit">Pay ${money(invoice.amount_due as number, currency)}</button></form>`
    : ""
}
</main>`,
  );
}

/** Pays the open invoice with the card typed on its page; throws card errors. */
function payWithTypedCard(ctx: Parameters<HostedHandler>[0], invoice: StripeObject, form: Params) {
  const number = (str(form, "cardNumber") ?? "").replace(/\s/g, "");
  const [month, year] = (str(form, "cardExpiry") ?? "").split("/").map((part) => Number(part.trim()));
  if (cardBehavior(number) === "declined") throw cardDeclined(number);
  const pm = createCardPaymentMethod(ctx.store, number, { card: { exp_month: String(month ?? 12), exp_year: String(2000 + ((year ?? 30) % 100)) } });
  attachPaymentMethod(ctx.store, pm, invoice.customer as string);
  ctx.emit("payment_method.attached", pm);
  payOpenInvoice(ctx.store, ctx.emit, invoice, pm.id);
}

/** The hosted invoice page and its PDF: no API key, as Stripe's links need none. */
export const handleHostedInvoice: HostedHandler = async (ctx, req, res, match) => {
  const invoice = ctx.store.table("invoice").get(match[1]!);
  if (!invoice || invoice.status === "draft") return sendHtml(res, 404, "<h1>No such invoice</h1>");
  if (match[2]) {
    const body = await invoicePdf(invoice);
    res.writeHead(200, { "content-type": "application/pdf", "content-disposition": `inline; filename="Invoice-${String(invoice.number)}.pdf"` }).end(body);
    return;
  }
  if (req.method !== "POST") return sendHtml(res, 200, invoicePage(invoice));
  const form = await readForm(req);
  try {
    payWithTypedCard(ctx, invoice, form);
    sendHtml(res, 200, invoicePage(invoice, { ok: "Payment received. Thank you!" }));
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    sendHtml(res, error.status, invoicePage(invoice, { error, form }));
  }
};
