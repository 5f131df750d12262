import type { Metadata } from "next";
import { verifyUnsubscribeToken } from "~/server/notifications/unsubscribe";
import { UnsubscribeConfirm } from "./unsubscribe-confirm";

export const metadata: Metadata = { title: "Unsubscribe from usage alerts", referrer: "no-referrer" };

/** Says what the link does and asks first: a GET changes nothing, since link scanners follow GETs. */
export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  const valid = typeof token === "string" && verifyUnsubscribeToken(token) !== null;
  if (!valid) {
    return (
      <div className="space-y-4">
        <h1 className="text-lg font-semibold">This unsubscribe link is not valid</h1>
        <p className="text-sm text-slate-500">
          It may have been cut short by your mail program. Open it again from the email, or turn usage alerts off in your
          account settings under Email notifications.
        </p>
      </div>
    );
  }
  return <UnsubscribeConfirm token={token} />;
}
