import { describe, expect, it } from "vitest";
import { databaseBusyReason } from "./db-errors";
import { toAppError } from "./errors";

/** The shape Prisma's driver adapter gives a PostgreSQL error (as seen from @prisma/adapter-pg 7). */
function prismaError(sqlState: string, prismaCode = "P2010") {
  return Object.assign(new Error(`Raw query failed. Code: \`${sqlState}\`. Message: \`…\``), {
    name: "PrismaClientKnownRequestError",
    code: prismaCode,
    meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: sqlState, kind: "postgres", code: sqlState } } },
  });
}

describe("databaseBusyReason", () => {
  it.each([
    ["55P03", "lock_timeout"],
    ["57014", "statement_timeout"],
  ] as const)("a Prisma error carrying SQLSTATE %s is busy (%s)", (sqlState, reason) => {
    expect(databaseBusyReason(prismaError(sqlState))).toBe(reason);
    expect(databaseBusyReason(prismaError(sqlState, "P2039"))).toBe(reason);
  });

  it("pg-pool's acquire timeout and Prisma's transaction-start timeout are busy", () => {
    expect(databaseBusyReason(new Error("timeout exceeded when trying to connect"))).toBe("pool_timeout");
    const p2028 = (message: string) => Object.assign(new Error(message), { name: "PrismaClientKnownRequestError", code: "P2028" });
    expect(databaseBusyReason(p2028("Transaction API error: Unable to start a transaction in the given time."))).toBe("pool_timeout");
  });

  it("a transaction that outlived its own timeout is our bug (500), not a busy database", () => {
    const closed = "Transaction API error: Transaction already closed: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5012 ms passed since the start of the transaction.";
    expect(databaseBusyReason(Object.assign(new Error(closed), { name: "PrismaClientKnownRequestError", code: "P2028" }))).toBeNull();
  });

  it("other database errors are not: a unique violation, a missing table, a plain error", () => {
    expect(databaseBusyReason(prismaError("23505", "P2002"))).toBeNull();
    expect(databaseBusyReason(prismaError("42P01"))).toBeNull();
    expect(databaseBusyReason(new Error("boom"))).toBeNull();
    expect(databaseBusyReason("55P03")).toBeNull();
    expect(toAppError(prismaError("42P01")).code).toBe("INTERNAL");
  });

  it("toAppError answers a busy database with 503 and Retry-After", () => {
    const error = toAppError(prismaError("55P03"));
    expect(error).toMatchObject({ code: "UNAVAILABLE", httpStatus: 503, details: { reason: "lock_timeout" } });
    expect(Number(error.headers["Retry-After"])).toBeGreaterThan(0);
  });
});
