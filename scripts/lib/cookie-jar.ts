/** The cookies a browser would keep between requests to one origin: enough for an HTTP sign-in. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes a response's Set-Cookie lines; an empty value or Max-Age=0 removes the cookie. */
  take(setCookies: string[]) {
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  has(name: string) {
    return this.cookies.has(name);
  }

  /** The Cookie request header. */
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
