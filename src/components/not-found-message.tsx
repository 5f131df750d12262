import { ButtonLink } from "~/components/ui";

/** What a 404 says, in the app's frame and the dashboard's: nothing here, and the way back. */
export function NotFoundMessage() {
  return (
    <div className="space-y-4">
      <p className="text-sm font-medium text-brand-700">404</p>
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="text-sm text-slate-600">This address leads nowhere: the page may have moved, or the link was mistyped.</p>
      <ButtonLink href="/dashboard">Back to the dashboard</ButtonLink>
    </div>
  );
}
