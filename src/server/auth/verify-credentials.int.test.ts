import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyCredentials } from "~/server/auth/verify-credentials";
import { AppError } from "~/server/errors";
import { makeUser } from "~/test/factories";

/** A request's headers from a client address of this test's own (the shared Redis outlives the run). */
// A /64 of its own each time: IPv6 clients are counted by their /64.
const newClient = () => `2001:db8:1:${randomUUID().slice(0, 4)}::1`;
const from = (forwardedFor: string) => new Headers({ "x-forwarded-for": forwardedFor });

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "signed in",
    (error: unknown) => (error instanceof AppError ? error.code : "thrown"),
  );

describe("verifyCredentials under a burst of guesses", () => {
  it("checks at most LOGIN_MAX_ATTEMPTS of 40 concurrent guesses and refuses the right password among them", async () => {
    const { email, password } = await makeUser("Burst Target");
    const headers = from(newClient());
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? password : `wrong guess ${i}`));
    const outcomes = await Promise.all(guesses.map((guess) => outcome(verifyCredentials(email, guess, headers))));

    expect(outcomes.filter((o) => o === "UNAUTHORIZED").length).toBeLessThanOrEqual(5);
    expect(outcomes[39]).toBe("RATE_LIMITED");
    expect(outcomes.filter((o) => o !== "UNAUTHORIZED" && o !== "RATE_LIMITED")).toEqual([]);
    await expect(verifyCredentials(email, password, headers)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("counts the address the trusted proxy appended: a forged X-Forwarded-For prefix does not escape the lock", async () => {
    const { email, password } = await makeUser("Forged Header");
    const client = newClient();
    for (let i = 0; i < 5; i++) {
      await expect(verifyCredentials(email, "wrong", from(`198.51.100.${i}, ${client}`))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(verifyCredentials(email, password, from(`198.51.100.99, ${client}`))).rejects.toMatchObject({ code: "RATE_LIMITED" });
    // The owner elsewhere is not locked out by it.
    expect(await verifyCredentials(email, password, from(newClient()))).toMatchObject({ email });
  });

  it("takes the email as typed: case and spaces do not make a fresh counter", async () => {
    const { email, password } = await makeUser("Case Games");
    const headers = from(newClient());
    const variants = [email, email.toUpperCase(), ` ${email}`, `${email} `, email.replace(/^./, (c) => c.toUpperCase())];
    for (const variant of variants) await expect(verifyCredentials(variant, "wrong", headers)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(verifyCredentials(email, password, headers)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
