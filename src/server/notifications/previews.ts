/**
 * /dev/emails: every template rendered with its preview props, outside production only (the
 * previews carry nothing secret, but production serves no tooling pages).
 */
import { env } from "~/env";
import { renderEmail, type RenderedEmail } from "./render-email";
import { emailTemplates } from "./templates";

export const previewsEnabled = () => env.NODE_ENV !== "production";

export const previewNames = () => Object.keys(emailTemplates).sort();

/** The named template's preview; null when there is no such template or previews are off. */
export async function renderPreview(name: string): Promise<RenderedEmail | null> {
  if (!previewsEnabled() || !Object.hasOwn(emailTemplates, name)) return null;
  const template = emailTemplates[name]!;
  return renderEmail(template, template.preview);
}
