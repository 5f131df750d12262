import { portalActions } from "../resources/billing";
import { money } from "../format";
import type { Store, StripeObject } from "../store";
import type { HostedHandler } from "./context";
import { esc, hostedDocument, readForm, sendHtml } from "./html";

const CSS = `body{max-width:560px;margin:40px auto;padding:0 16px}
section{background:#fff;border-radius:10px;box-shadow:0 2px 10px #0001;padding:20px;margin:16px 0}
h2{font-size:18px}label{display:block;margin:12px 0 4px}select{display:block;width:100%;padding:6px}
button{margin-top:8px;padding:8px 14px;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}
.notice{background:#f0fff4;border:1px solid #b7eb8f;padding:10px;border-radius:6px}
@media (max-width:420px){body{margin:16px auto}section{padding:16px}}`;

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
  return hostedDocument(
    "Billing portal",
    CSS,
    `<main>
<h1>Manage your subscription</h1>
${notice ? `<p class="notice" role="status">${esc(notice)}</p>` : ""}
${rows || "<p>No active subscription.</p>"}
${session.return_url ? `<p><a href="${esc(session.return_url)}">Return to the app</a></p>` : ""}
</main>`,
  );
}

/** GET shows the portal; POST `/cancel` or `/switch` changes one of the customer's own subscriptions. */
export const handleHostedPortal: HostedHandler = async ({ store, emit }, req, res, match) => {
  const session = store.table("billing_portal.session").get(match[1]!);
  const action = match[2];
  if (!session) return sendHtml(res, 404, "<h1>No such portal session</h1>");
  if (req.method !== "POST" || !action) return sendHtml(res, 200, portalPage(store, session));
  const form = await readForm(req);
  const sub = store.table("subscription").get(typeof form.subscription === "string" ? form.subscription : "");
  if (!sub || sub.customer !== session.customer) return sendHtml(res, 404, portalPage(store, session, "No such subscription."));
  if (action === "cancel") portalActions.cancelAtPeriodEnd(store, emit, sub);
  else portalActions.switchPrice(store, emit, sub, typeof form.price === "string" ? form.price : "");
  sendHtml(res, 200, portalPage(store, session, action === "cancel" ? "Your plan will be canceled at the end of the period." : "Your plan was updated."));
};
