import { describe, expect, it } from "vitest";
import { AppError } from "~/server/errors";
import { isSameOrigin, isWrite, requireJsonContentType, requireSameOrigin } from "./request-guards";

const APP_URL = "https://billing.example.test/";
const post = (url: string, headers: Record<string, string>) => new Request(url, { method: "POST", headers });

describe("requireJsonContentType", () => {
  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"])("takes %s", (type) => {
    expect(() => requireJsonContentType(new Headers({ "content-type": type }))).not.toThrow();
  });

  it.each(["text/plain", "text/plain;charset=UTF-8", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/jsonx", ""])(
    "refuses %j with a 415",
    (type) => {
      const error = (() => {
        try {
          requireJsonContentType(new Headers(type ? { "content-type": type } : {}));
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 });
    },
  );
});

describe("isSameOrigin", () => {
  it("takes APP_URL's origin and the origin the request was addressed to", () => {
    expect(isSameOrigin(post("http://10.0.0.5:3000/api/projects", { origin: "https://billing.example.test" }), APP_URL)).toBe(true);
    expect(isSameOrigin(post("http://127.0.0.1:3330/api/projects", { origin: "http://127.0.0.1:3330" }), APP_URL)).toBe(true);
  });

  it("refuses another port, scheme or host of the same site, and the opaque origin", () => {
    for (const origin of ["http://127.0.0.1:4444", "https://127.0.0.1:3330", "http://evil.example.test", "null"]) {
      expect(isSameOrigin(post("http://127.0.0.1:3330/api/projects", { origin }), APP_URL), origin).toBe(false);
    }
  });

  it("without Origin, trusts only the browser's Sec-Fetch-Site of same-origin or none", () => {
    const url = "http://127.0.0.1:3330/api/projects";
    expect(isSameOrigin(post(url, { "sec-fetch-site": "same-origin" }), APP_URL)).toBe(true);
    expect(isSameOrigin(post(url, { "sec-fetch-site": "none" }), APP_URL)).toBe(true);
    expect(isSameOrigin(post(url, { "sec-fetch-site": "same-site" }), APP_URL)).toBe(false);
    expect(isSameOrigin(post(url, { "sec-fetch-site": "cross-site" }), APP_URL)).toBe(false);
    expect(isSameOrigin(post(url, {}), APP_URL)).toBe(false);
  });

  it("requireSameOrigin answers 403 with the reason", () => {
    expect(() => requireSameOrigin(post("http://127.0.0.1:3330/", { origin: "http://127.0.0.1:4444" }), APP_URL)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", details: { reason: "cross_origin" } }),
    );
  });

  it("only writes need the check", () => {
    expect(isWrite(new Request("http://x/", { method: "GET" }))).toBe(false);
    expect(isWrite(new Request("http://x/", { method: "HEAD" }))).toBe(false);
    expect(isWrite(new Request("http://x/", { method: "POST" }))).toBe(true);
    expect(isWrite(new Request("http://x/", { method: "DELETE" }))).toBe(true);
  });
});
