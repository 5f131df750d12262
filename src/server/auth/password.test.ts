import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("passwords and bcrypt's 72 bytes", () => {
  const prefix = "p".repeat(72);

  it("never matches a password that differs only after byte 72 (bcrypt alone would)", async () => {
    const storedBeforeTheLimit = await bcrypt.hash(`${prefix}-right`, 4); // an account made when 200 characters were allowed
    expect(await bcrypt.compare(`${prefix}-wrong`, storedBeforeTheLimit)).toBe(true);
    expect(await verifyPassword(`${prefix}-wrong`, storedBeforeTheLimit)).toBe(false);
    expect(await verifyPassword(`${prefix}-right`, storedBeforeTheLimit)).toBe(false);
  });

  it("hashes and checks a password of exactly 72 bytes, and refuses to hash one more", async () => {
    const hash = await hashPassword(prefix);
    expect(await verifyPassword(prefix, hash)).toBe(true);
    expect(await verifyPassword(`${prefix.slice(1)}q`, hash)).toBe(false);
    await expect(hashPassword(`${prefix}x`)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
