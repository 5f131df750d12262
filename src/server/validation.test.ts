import { describe, expect, it } from "vitest";
import { boundedText, EMAIL_MAX_LENGTH, emailInput, idInput, passwordInput, signInPasswordInput } from "./validation";

const messagesOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message) ?? [];

describe("boundedText", () => {
  const name = boundedText(10, "Name");

  it("trims and takes 1..max characters", () => {
    expect(name.parse("  Zoë  ")).toBe("Zoë");
    expect(name.parse("x".repeat(10))).toBe("x".repeat(10));
    expect(messagesOf(name.safeParse("x".repeat(11)))).toEqual(["Name must be at most 10 characters."]);
    expect(messagesOf(name.safeParse("   "))).toEqual(["Name is required."]);
    expect(messagesOf(name.safeParse(undefined))).toEqual(["Name is required."]);
  });

  it("refuses NUL, every other C0 control and DEL, wherever they are", () => {
    for (const code of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f]) {
      const result = name.safeParse(`a${String.fromCharCode(code)}b`);
      expect(messagesOf(result), `U+${code.toString(16)}`).toEqual(["Name cannot contain control characters."]);
    }
  });

  it("allows tabs and line breaks in multiline text, never NUL", () => {
    const content = boundedText(100, "Content", { multiline: true });
    expect(content.parse("line one\n\tline two\r\n")).toBe("line one\n\tline two");
    expect(messagesOf(content.safeParse("a\u0000b"))).toEqual([
      "Content cannot contain control characters other than tabs and line breaks.",
    ]);
    expect(content.safeParse("a\u000bb").success).toBe(false);
  });

  it("refuses half a surrogate pair and keeps whole ones", () => {
    expect(name.parse("ok 😀")).toBe("ok 😀");
    expect(messagesOf(name.safeParse("a\uD83Db"))).toEqual(["Name is not valid Unicode text."]);
    expect(name.safeParse("\uDE00a").success).toBe(false);
  });
});

describe("emailInput", () => {
  it("trims and lower-cases", () => {
    expect(emailInput.parse("  Ann@Example.TEST ")).toBe("ann@example.test");
  });

  it(`refuses more than ${EMAIL_MAX_LENGTH} characters with one clear message`, () => {
    const longest = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(EMAIL_MAX_LENGTH - 64 - 1 - 63 - 1 - 63 - 1)}`;
    expect(longest).toHaveLength(EMAIL_MAX_LENGTH);
    expect(emailInput.safeParse(longest).success).toBe(true);
    const huge = `${"a".repeat(20_000)}@example.test`;
    expect(messagesOf(emailInput.safeParse(huge))).toEqual([`Email must be at most ${EMAIL_MAX_LENGTH} characters.`]);
  });

  it("refuses a NUL", () => {
    expect(emailInput.safeParse("a\u0000b@example.test").success).toBe(false);
  });
});

describe("passwords", () => {
  it("counts UTF-8 bytes, not characters: 72 bytes pass, 73 do not", () => {
    expect(passwordInput.safeParse("p".repeat(72)).success).toBe(true);
    expect(messagesOf(passwordInput.safeParse("p".repeat(73)))[0]).toMatch(/at most 72 bytes/);
    // 36 two-byte letters are 72 bytes; one more is 74 though only 37 characters.
    expect(passwordInput.safeParse("é".repeat(36)).success).toBe(true);
    expect(passwordInput.safeParse("é".repeat(37)).success).toBe(false);
    expect(passwordInput.safeParse("😀".repeat(18) + "x").success).toBe(false);
  });

  it("a new password has at least 8 characters; a sign-in password at least one", () => {
    expect(messagesOf(passwordInput.safeParse("short"))).toEqual(["Password must be at least 8 characters."]);
    expect(signInPasswordInput.safeParse("short").success).toBe(true);
    expect(messagesOf(signInPasswordInput.safeParse(""))).toEqual(["Password is required."]);
    expect(signInPasswordInput.safeParse("p".repeat(73)).success).toBe(false);
  });
});

describe("idInput", () => {
  const id = idInput("Project id");

  it("takes cuids and Stripe ids", () => {
    for (const value of ["cmf0x9k2p0000abcd1234efgh", "pm_1QabcDEF_ghi", "cs_test_a1B2c3"]) expect(id.parse(value)).toBe(value);
  });

  it("refuses empty, long or odd ids", () => {
    expect(messagesOf(id.safeParse(""))).toEqual(["Project id is required."]);
    expect(messagesOf(id.safeParse("x".repeat(129)))).toEqual(["Project id must be at most 128 characters."]);
    expect(messagesOf(id.safeParse("a\u0000b"))).toEqual(["Project id is not a valid id."]);
    expect(id.safeParse("a b").success).toBe(false);
  });
});
