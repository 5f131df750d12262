import { describe, expect, it } from "vitest";
import { unsubscribeToken, usageAlertUnsubscribe, verifyUnsubscribeToken } from "./unsubscribe";

describe("unsubscribe tokens", () => {
  it("verify to the user they were made for, and nothing else does", () => {
    const token = unsubscribeToken("user_abc");
    expect(verifyUnsubscribeToken(token)).toBe("user_abc");
    const [id, sig] = token.split(".") as [string, string];
    // Another user's id with this signature, a changed signature, junk: all refused.
    expect(verifyUnsubscribeToken(`${Buffer.from("user_abd").toString("base64url")}.${sig}`)).toBeNull();
    expect(verifyUnsubscribeToken(`${id}.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(verifyUnsubscribeToken(`${id}.${sig}.x`)).toBeNull();
    expect(verifyUnsubscribeToken("")).toBeNull();
    expect(verifyUnsubscribeToken("x".repeat(600))).toBeNull();
  });

  it("gives the footer link and RFC 8058 one-click headers", () => {
    const { url, headers } = usageAlertUnsubscribe("user_abc");
    expect(new URL(url).pathname).toBe("/unsubscribe");
    expect(verifyUnsubscribeToken(new URL(url).searchParams.get("token")!)).toBe("user_abc");
    expect(headers).toEqual({ "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });
});
