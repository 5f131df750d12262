/** Every email the app sends, by name: the one list the previews and the tests walk. */
import { invitation } from "./invitation";
import { operatorAlert } from "./operator-alert";
import { passwordReset } from "./password-reset";
import { paymentFailed } from "./payment-failed";
import { paymentSucceeded } from "./payment-succeeded";
import { planChanged } from "./plan-changed";
import { subscriptionCanceled } from "./subscription-canceled";
import type { EmailTemplate } from "./template";
import { trialEnding } from "./trial-ending";
import { trialStarted } from "./trial-started";
import { usageAlert } from "./usage-alert";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of templates of different props; each is typed where it is used.
export const emailTemplates: Record<string, EmailTemplate<any>> = {
  invitation,
  "password-reset": passwordReset,
  "usage-alert": usageAlert,
  "trial-started": trialStarted,
  "trial-ending": trialEnding,
  "payment-failed": paymentFailed,
  "payment-succeeded": paymentSucceeded,
  "subscription-canceled": subscriptionCanceled,
  "plan-changed": planChanged,
  "operator-alert": operatorAlert,
};
