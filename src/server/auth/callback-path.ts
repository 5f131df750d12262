/** Any origin of our own choosing: a path resolved against it and still on it stays in the app. */
const BASE = "http://callback.invalid";

/**
 * Where to go after signing in: only a path of this app (with its query and hash), never another
 * site. Absolute URLs, `//host` and `/\host` (which browsers read as another host), and paths that
 * normalise into one (`/..//host`) give null, so the caller falls back to its default.
 */
export function safeCallbackPath(raw: unknown): string | null {
  if (typeof raw !== "string" || !raw.startsWith("/")) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") || path.startsWith("/\\") ? null : path;
}
