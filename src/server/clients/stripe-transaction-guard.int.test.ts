import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { inDatabaseTransaction } from "~/server/clients/transaction-scope";
import { sdk } from "~/test/stripe";

const email = () => `guard-${randomUUID()}@example.test`;

describe("no Stripe call inside a database transaction", () => {
  it("refuses a Stripe call made inside db.$transaction(fn) before it reaches Stripe", async () => {
    const address = email();
    const outcome = await db
      .$transaction(async (tx) => {
        await tx.$executeRaw`SELECT 1`;
        await stripe().customers.create({ email: address });
      })
      .then(
        () => "called",
        (error: unknown) => error,
      );
    expect(outcome).toBeInstanceOf(Error);
    expect(String((outcome as { detail?: unknown }).detail ?? outcome)).toMatch(/inside a database transaction/);
    expect((await sdk.customers.list({ email: address })).data).toEqual([]);
  });

  it("names the refused call by its path only: a query's customer data stays out of the error and the log", async () => {
    const address = email();
    const outcome = await db
      .$transaction(async () => stripe().customers.list({ email: address }))
      .then(
        () => "called",
        (error: unknown) => error,
      );
    const text = String((outcome as { detail?: unknown }).detail ?? outcome);
    expect(text).toMatch(/GET \/v1\/customers called inside a database transaction/);
    expect(text).not.toContain(address.split("@")[0]);
  });

  it("lets calls outside a transaction through, also while another request's transaction is open", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT 1`;
        expect(inDatabaseTransaction()).toBe(true);
        await gate;
      },
      { timeout: 10_000 },
    );
    try {
      expect(inDatabaseTransaction()).toBe(false);
      const addresses = Array.from({ length: 5 }, email);
      const created = await Promise.all(addresses.map((address) => stripe().customers.create({ email: address })));
      expect(created.map((c) => c.email)).toEqual(addresses);
    } finally {
      release();
      await open;
    }
    // The batch form runs no code of ours between its statements: nothing to guard.
    const [count] = await db.$transaction([db.organization.count()]);
    expect(count).toBeGreaterThanOrEqual(0);
  });
});
