import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "~/server/auth/callback-path";

describe("safeCallbackPath", () => {
  it("keeps a path of the app, with its query and hash", () => {
    expect(safeCallbackPath("/dashboard/billing")).toBe("/dashboard/billing");
    expect(safeCallbackPath("/dashboard/billing/upgrade?checkout=canceled#plans")).toBe("/dashboard/billing/upgrade?checkout=canceled#plans");
    expect(safeCallbackPath("/")).toBe("/");
  });

  it.each([
    "https://evil.example",
    "https://evil.example/dashboard",
    "//evil.example",
    "//evil.example/dashboard",
    "/\\evil.example",
    "/\t/evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "javascript:alert(1)",
    "data:text/html,hi",
    "dashboard",
    "http://127.0.0.1:3000/dashboard",
    "",
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw)).toBeNull();
  });

  it("refuses anything but one string", () => {
    expect(safeCallbackPath(undefined)).toBeNull();
    expect(safeCallbackPath(["/dashboard", "//evil.example"])).toBeNull();
  });
});
