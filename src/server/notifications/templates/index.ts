/** Every email the app sends, by name: the one list the previews and the tests walk. */
import { invitation } from "./invitation";
import type { EmailTemplate } from "./template";
import { usageAlert } from "./usage-alert";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of templates of different props; each is typed where it is used.
export const emailTemplates: Record<string, EmailTemplate<any>> & { invitation: typeof invitation; "usage-alert": typeof usageAlert } = {
  invitation,
  "usage-alert": usageAlert,
};

export type EmailTemplateName = keyof typeof emailTemplates;
