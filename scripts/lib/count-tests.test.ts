import { describe, expect, it } from "vitest";
import { countTests } from "./count-tests";

describe("countTests", () => {
  it("counts vitest's tests, their modifiers and the rows of a literal each table", () => {
    const source = `
      import { describe, expect, it, test } from "vitest";
      describe("outer", () => {
        beforeAll(() => undefined);
        it("a", () => expect(1).toBe(1));
        test.skip("b", () => undefined);
        it.todo("c");
        it.skipIf(process.env.CI)("d", () => undefined);
        it.each([1, 2, 3])("e %i", () => undefined);
        it.each([["a", 1], ["b", 2]] as const)("h %s", () => undefined);
        describe.each([["x"], ["y"]])("inner %s", () => {
          it("f", () => undefined);
          it.each(rows)("g", () => undefined);
        });
      });`;
    // a, b, c, d, 3 × e, 2 × h, 2 × (f + g counted once for a table it cannot read)
    expect(countTests(source)).toBe(13);
  });

  it("counts Playwright's tests, not its suites, steps, hooks or fixtures", () => {
    const source = `
      import { test as base, expect } from "@playwright/test";
      const test = base.extend({ page: async ({ page }, use) => use(page) });
      test.describe.configure({ mode: "serial" });
      test.use({ locale: "en" });
      test.beforeEach(async () => undefined);
      test.describe("billing", () => {
        test("upgrade", async () => {
          await test.step("pay", async () => undefined);
        });
        test.fixme("downgrade", async () => undefined);
        test.describe.serial("portal", () => {
          test("cancel", async () => undefined);
        });
      });`;
    expect(countTests(source)).toBe(3);
  });

  it("finds none where there are none", () => {
    expect(countTests(`export const testIt = () => it; describe("empty", () => {});`)).toBe(0);
  });
});
