import { describe, expect, it } from "vitest";
import { CookieJar } from "./cookie-jar";

describe("CookieJar", () => {
  it("keeps the cookies responses set, replaces them by name and drops expired or emptied ones", () => {
    const jar = new CookieJar();
    jar.take(["authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; SameSite=Lax", "authjs.callback-url=http%3A%2F%2Fx; Path=/"]);
    expect(jar.header()).toBe("authjs.csrf-token=abc%7Cdef; authjs.callback-url=http%3A%2F%2Fx");
    jar.take(["authjs.session-token=jwt.value=padded; Path=/; HttpOnly", "authjs.callback-url=; Max-Age=0; Path=/"]);
    expect(jar.has("authjs.callback-url")).toBe(false);
    expect(jar.header()).toBe("authjs.csrf-token=abc%7Cdef; authjs.session-token=jwt.value=padded");
    jar.take(["authjs.session-token=next; Path=/", "authjs.csrf-token=gone; Path=/; max-age=0", "malformed"]);
    expect(jar.header()).toBe("authjs.session-token=next");
  });
});
