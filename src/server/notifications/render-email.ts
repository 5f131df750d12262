/**
 * A template and its props → what the outbox stores: subject, HTML and plain text (React Email's
 * `render`, the text made from the same tree, so the two never disagree). Pure and local: safe
 * inside the transaction that enqueues the notification.
 */
import { render } from "@react-email/components";
import type { EmailTemplate } from "./templates/template";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export async function renderEmail<P>(template: EmailTemplate<P>, props: P): Promise<RenderedEmail> {
  const element = template.Body(props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: template.subject(props), html, text };
}
