import { renderPreview } from "~/server/notifications/previews";

export const dynamic = "force-dynamic";

/** One template's preview as the email client gets it: HTML, or `?format=text` for the text part. */
export async function GET(request: Request, ctx: { params: Promise<{ name: string }> }) {
  const rendered = await renderPreview((await ctx.params).name);
  if (!rendered) return Response.json({ error: "Not found", code: "NOT_FOUND" }, { status: 404 });
  const asText = new URL(request.url).searchParams.get("format") === "text";
  return new Response(asText ? rendered.text : rendered.html, {
    headers: { "content-type": `${asText ? "text/plain" : "text/html"}; charset=utf-8`, "x-email-subject": encodeURIComponent(rendered.subject) },
  });
}
