import Link from "next/link";
import { Alert } from "~/components/ui";

/** A failed tRPC call's shape as far as this alert reads it. */
export interface CallError {
  message: string;
  data?: { quota?: Record<string, unknown> | null } | null;
}

/** A failed call's message; for the 402 (the guide's quota body) with the upgrade link it names. */
export function ErrorAlert({ error, className = "mt-3" }: { error: CallError | null | undefined; className?: string }) {
  if (!error) return null;
  // A refusal at an owner's budget links to where the budget is changed, not to an upgrade.
  const budgetUrl = error.data?.quota?.budgetUrl;
  const upgradeUrl = error.data?.quota?.upgradeUrl;
  const link =
    typeof budgetUrl === "string"
      ? { href: budgetUrl, label: "Review the budget" }
      : typeof upgradeUrl === "string"
        ? { href: upgradeUrl, label: "Upgrade your plan" }
        : null;
  return (
    <div className={className}>
      <Alert>
        {error.message}
        {link && (
          <>
            {" "}
            <Link className="font-medium underline" href={link.href}>
              {link.label}
            </Link>
          </>
        )}
      </Alert>
    </div>
  );
}
