import { describe, expect, it } from "vitest";
import { migrationProblems } from "./database";

const done = (name: string) => ({ migration_name: name, finished_at: new Date(), rolled_back_at: null });

describe("migrationProblems", () => {
  it("passes when every committed migration is applied", () => {
    expect(migrationProblems([done("001_init"), done("002_more")], ["001_init", "002_more"])).toEqual([]);
  });

  it("names DATABASE_URL for an unmigrated database, a pending migration and a failed one", () => {
    expect(migrationProblems(null, ["001_init"])).toEqual([{ variable: "DATABASE_URL", message: expect.stringContaining("not migrated") }]);
    expect(migrationProblems([done("001_init")], ["001_init", "002_more"])[0]!.message).toContain("1 migration(s) not applied (002_more)");
    const failed = { migration_name: "002_more", finished_at: null, rolled_back_at: null };
    expect(migrationProblems([done("001_init"), failed], ["001_init", "002_more"])[0]!.message).toContain("failed half-way: 002_more");
    // A rolled-back attempt does not count as applied.
    const rolledBack = { ...failed, rolled_back_at: new Date() };
    expect(migrationProblems([done("001_init"), rolledBack], ["001_init", "002_more"])[0]!.message).toContain("not applied");
  });
});
