import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { unsubscribeRoute } from "~/server/rest/email";
import { makeUser } from "~/test/factories";
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

  it("gives the footer link (the page) and RFC 8058 one-click headers (the POST route)", () => {
    const { url, headers } = usageAlertUnsubscribe("user_abc");
    expect(new URL(url).pathname).toBe("/unsubscribe");
    expect(verifyUnsubscribeToken(new URL(url).searchParams.get("token")!)).toBe("user_abc");
    const oneClick = new URL(/^<(.+)>$/.exec(headers["List-Unsubscribe"]!)![1]!);
    expect(oneClick.pathname).toBe("/api/email/unsubscribe");
    expect(oneClick.searchParams.get("token")).toBe(new URL(url).searchParams.get("token"));
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });
});

/** The POST a mail client makes for RFC 8058: a form body, no cookie, no Origin. */
const oneClick = (url: string) =>
  unsubscribeRoute(
    new Request(url.replace(/^https?:\/\/[^/]+/, "http://localhost"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    }),
  );

describe("POST /api/email/unsubscribe", () => {
  it("turns the token's user's usage alerts off, and a repeat is still a success", async () => {
    const { user } = await makeUser();
    const other = await makeUser();
    const link = /^<(.+)>$/.exec(usageAlertUnsubscribe(user.id).headers["List-Unsubscribe"]!)![1]!;
    for (let i = 0; i < 2; i++) {
      const res = await oneClick(link);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ unsubscribed: true });
      expect(await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { usageAlertEmails: true } })).toEqual({ usageAlertEmails: false });
    }
    // Nobody else's preference moved.
    expect(await db.user.findUniqueOrThrow({ where: { id: other.user.id }, select: { usageAlertEmails: true } })).toEqual({ usageAlertEmails: true });
  });

  it("answers 400 for an altered or missing token and changes nothing", async () => {
    const { user } = await makeUser();
    const link = new URL(/^<(.+)>$/.exec(usageAlertUnsubscribe(user.id).headers["List-Unsubscribe"]!)![1]!);
    const token = link.searchParams.get("token")!;
    link.searchParams.set("token", `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`);
    for (const url of [link.toString(), "http://localhost/api/email/unsubscribe"]) {
      const res = await oneClick(url);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_unsubscribe_token" });
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { usageAlertEmails: true } })).toEqual({ usageAlertEmails: true });
  });
});
