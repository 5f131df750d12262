/** Every email the app sends, by name: the one list the previews and the tests walk. */
import { invitation } from "./invitation";
import { passwordReset } from "./password-reset";
import type { EmailTemplate } from "./template";
import { usageAlert } from "./usage-alert";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of templates of different props; each is typed where it is used.
export const emailTemplates: Record<string, EmailTemplate<any>> = {
  invitation,
  "password-reset": passwordReset,
  "usage-alert": usageAlert,
};
