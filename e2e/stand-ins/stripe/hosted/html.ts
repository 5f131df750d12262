import type { IncomingMessage, ServerResponse } from "node:http";
import qs from "qs";
import { readBody } from "../read-body";

export const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** What every hosted page shares: boxes that never outgrow a 390 px screen, and a visible keyboard focus. */
const BASE_CSS = `*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}
input,select,button{font:inherit;max-width:100%}a{color:#635bff}
:focus-visible{outline:3px solid #635bff;outline-offset:2px}`;

/** A hosted page: always with the phone viewport, as Stripe's own pages are. */
export function hostedDocument(title: string, css: string, body: string) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — Stripe stand-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
${BASE_CSS}
${css}
</style></head><body>
${body}
</body></html>`;
}

export function sendHtml(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
}

/** A browser's form post, as flat fields. */
export async function readForm(req: IncomingMessage) {
  return qs.parse(await readBody(req)) as Record<string, unknown>;
}
