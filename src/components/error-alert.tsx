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
  const upgradeUrl = error.data?.quota?.upgradeUrl;
  return (
    <div className={className}>
      <Alert>
        {error.message}
        {typeof upgradeUrl === "string" && (
          <>
            {" "}
            <Link className="font-medium underline" href={upgradeUrl}>
              Upgrade your plan
            </Link>
          </>
        )}
      </Alert>
    </div>
  );
}
