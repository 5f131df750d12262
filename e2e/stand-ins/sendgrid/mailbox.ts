/**
 * The messages the stand-in accepted, and the pages that show them. One stored message per
 * personalization (each is one email SendGrid would deliver); all from one request share the
 * request's X-Message-Id, as SendGrid's `sg_message_id` values do.
 */
import type { Address, MailSendBody } from "./validation";

export interface StoredMessage {
  /** `<X-Message-Id>.<personalization index>`: the mailbox page's address of this email. */
  id: string;
  /** The X-Message-Id the send answered with. */
  messageId: string;
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string | null;
  html: string | null;
  text: string | null;
  templateId: string | null;
  headers: Record<string, string>;
  categories: string[];
  customArgs: Record<string, string>;
  /** The request's tracking_settings and mail_settings as sent (SendGrid's snake_case), or null. */
  trackingSettings: Record<string, unknown> | null;
  mailSettings: Record<string, unknown> | null;
  /** ISO 8601, UTC. */
  receivedAt: string;
}

export function messagesOf(body: MailSendBody, messageId: string, receivedAt: string): StoredMessage[] {
  const contentOf = (type: string) => body.content?.find((c) => c.type.toLowerCase() === type)?.value ?? null;
  return body.personalizations.map((p, i) => ({
    id: `${messageId}.${i}`,
    messageId,
    from: body.from,
    to: p.to ?? [],
    cc: p.cc ?? [],
    bcc: p.bcc ?? [],
    subject: p.subject ?? body.subject ?? null,
    html: contentOf("text/html"),
    text: contentOf("text/plain"),
    templateId: body.template_id ?? null,
    headers: { ...body.headers, ...p.headers },
    categories: body.categories ?? [],
    customArgs: body.custom_args ?? {},
    trackingSettings: body.tracking_settings ?? null,
    mailSettings: body.mail_settings ?? null,
    receivedAt,
  }));
}

/** Messages with `to` among their to, cc or bcc addresses (case-insensitive), or all. */
export function filterMessages(messages: StoredMessage[], to: string | null) {
  if (!to) return messages;
  const wanted = to.toLowerCase();
  return messages.filter((m) => [...m.to, ...m.cc, ...m.bcc].some((a) => a.email.toLowerCase() === wanted));
}

/** Every piece of user data goes through this before it enters a page. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const formatAddress = (a: Address) => (a.name ? `${a.name} <${a.email}>` : a.email);
const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  `<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style>` +
  `</head><body>${body}</body></html>`;

export function listPage(messages: StoredMessage[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.map(formatAddress).join(", "))}</td>` +
        `<td>${escapeHtml(formatAddress(m.from))}</td>` +
        `<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject ?? "(no subject)")}</a></td></tr>`,
    )
    .join("");
  return page(
    "SendGrid stand-in mailbox",
    `<h1>Mailbox</h1><p>${messages.length} message(s), newest first.</p>` +
      `<table><thead><tr><th>Time (UTC)</th><th>To</th><th>From</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

/**
 * One message: the headers escaped, the HTML body in a sandboxed iframe (srcdoc, no scripts), so
 * the message renders as a mail client would show it without running in the mailbox's origin.
 */
export function messagePage(m: StoredMessage): string {
  const meta = [
    ["From", formatAddress(m.from)],
    ["To", m.to.map(formatAddress).join(", ")],
    ...(m.cc.length ? [["Cc", m.cc.map(formatAddress).join(", ")]] : []),
    ["Subject", m.subject ?? "(no subject)"],
    ["Received", m.receivedAt],
    ["X-Message-Id", m.messageId],
    ...(m.templateId ? [["Template", m.templateId]] : []),
    ...(m.categories.length ? [["Categories", m.categories.join(", ")]] : []),
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`)
    .join("");
  const html = m.html === null ? "" : `<h2>HTML</h2><iframe sandbox="" style="width:100%;height:30rem;border:1px solid #ddd" srcdoc="${escapeHtml(m.html)}"></iframe>`;
  const text = m.text === null ? "" : `<h2>Text</h2><pre>${escapeHtml(m.text)}</pre>`;
  return page(m.subject ?? "(no subject)", `<p><a href="/">← Mailbox</a></p><table>${meta}</table>${html}${text}`);
}
