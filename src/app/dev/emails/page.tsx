import { notFound } from "next/navigation";
import { previewNames, previewsEnabled, renderPreview } from "~/server/notifications/previews";

export const dynamic = "force-dynamic";
export const metadata = { title: "Email previews · VantFlow" };

/** Every email template with its preview props: subject, the HTML as sent, and links to each part. */
export default async function EmailPreviewsPage() {
  if (!previewsEnabled()) notFound();
  const previews = await Promise.all(previewNames().map(async (name) => ({ name, rendered: (await renderPreview(name))! })));
  return (
    <main className="mx-auto max-w-5xl space-y-10 p-8">
      <h1 className="text-2xl font-semibold">Email previews</h1>
      {previews.map(({ name, rendered }) => (
        <section key={name} aria-labelledby={`email-${name}`} className="space-y-2">
          <h2 id={`email-${name}`} className="text-lg font-medium">
            {name}: <span className="font-normal">{rendered.subject}</span>
          </h2>
          <p className="text-sm">
            <a className="underline" href={`/dev/emails/${name}`}>HTML</a> · <a className="underline" href={`/dev/emails/${name}?format=text`}>Text</a>
          </p>
          {/* srcDoc, sandboxed: every page refuses to be framed (frame-ancestors 'none'), and an email runs no script. */}
          <iframe title={`${name} email preview`} srcDoc={rendered.html} sandbox="" className="h-[560px] w-full rounded border bg-white" />
        </section>
      ))}
    </main>
  );
}
