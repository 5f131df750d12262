/**
 * Checks on a request's headers that every route with a body, or acting on a browser's session,
 * makes before anything else. Each throws the AppError a client is answered with.
 */
import { AppError } from "~/server/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** GET, HEAD and OPTIONS change nothing here, so only other methods need the origin check. */
export const isWrite = (req: Request) => !SAFE_METHODS.has(req.method);

/**
 * A JSON body must say so: `application/json`, with parameters (charset) or without. A browser
 * lets any page send text/plain, form or multipart bodies to another site without asking (a
 * "simple" request), never application/json; refusing the others keeps those out.
 */
export function requireJsonContentType(headers: Headers) {
  const mediaType = headers.get("content-type")?.split(";", 1)[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with Content-Type: application/json.", {
      details: { reason: "json_required" },
    });
  }
}

/**
 * Whether a browser sent the request from one of our own pages. Browsers attach the session cookie
 * to requests that a page of the same site makes, another port of the same host included, so a
 * write acting on that cookie must carry an Origin that is ours: APP_URL's, or the one the
 * request was addressed to. A request without Origin is accepted only when the browser marks it
 * `Sec-Fetch-Site: same-origin` (or `none`, typed by the user); a client that sends neither header
 * is not a browser page and has no business using the cookie for a write.
 */
export function isSameOrigin(req: Request, appUrl: string): boolean {
  const origin = req.headers.get("origin");
  if (origin !== null) return origin === new URL(appUrl).origin || origin === new URL(req.url).origin;
  const site = req.headers.get("sec-fetch-site");
  return site === "same-origin" || site === "none";
}

export function requireSameOrigin(req: Request, appUrl: string) {
  if (!isSameOrigin(req, appUrl)) {
    throw new AppError("FORBIDDEN", "This request must come from the app's own pages.", { details: { reason: "cross_origin" } });
  }
}
