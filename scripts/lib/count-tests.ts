/**
 * How many tests a test file declares, read from its source with TypeScript's own parser, for a
 * file the runner could not load (its report then names no test of it). It is an estimate: a
 * call counts once even inside a loop, and `each` counts the rows of a literal array only.
 */
import ts from "typescript";

const TEST = new Set(["it", "test"]);
const SUITE = new Set(["describe", "suite"]);
/** Chained names that still declare one test (or suite): `it.skip`, `test.fixme`, `it.skipIf(c)`. */
const MODIFIERS = new Set(["skip", "only", "todo", "fails", "fail", "fixme", "slow", "concurrent", "sequential", "serial", "parallel", "skipIf", "runIf", "each", "for"]);

interface Callee {
  root: string;
  names: string[];
  /** How many tests each declared one stands for (`each` over a literal table). */
  rows: number;
}

/** `it.skip.each([a, b])` → { root: "it", names: ["skip", "each"], rows: 2 }; anything else → null. */
function callee(expression: ts.Expression): Callee | null {
  if (ts.isIdentifier(expression)) return { root: expression.text, names: [], rows: 1 };
  if (ts.isPropertyAccessExpression(expression)) {
    const inner = callee(expression.expression);
    return inner && { ...inner, names: [...inner.names, expression.name.text] };
  }
  if (ts.isCallExpression(expression)) {
    // `it.each(table)(…)`, `it.skipIf(condition)(…)`: the call that names the test is the outer one.
    const inner = callee(expression.expression);
    const table = expression.arguments[0] && unwrapped(expression.arguments[0]);
    const last = inner?.names.at(-1);
    if (!inner || !last || !MODIFIERS.has(last)) return null;
    const rows = (last === "each" || last === "for") && table && ts.isArrayLiteralExpression(table) ? table.elements.length : 1;
    return { ...inner, rows: inner.rows * rows };
  }
  if (ts.isTaggedTemplateExpression(expression)) return callee(expression.tag);
  return null;
}

/** `[…] as const`, `([…])`, `[…] satisfies T`: the expression inside. */
function unwrapped(expression: ts.Expression): ts.Expression {
  let inner = expression;
  while (ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner) || ts.isParenthesizedExpression(inner)) inner = inner.expression;
  return inner;
}

function kind(c: Callee): "test" | "suite" | null {
  const names = c.names.filter((name) => !MODIFIERS.has(name));
  if (SUITE.has(c.root) && names.length === 0) return "suite";
  // Playwright's suites hang off `test`: `test.describe`, `test.describe.serial`.
  if (TEST.has(c.root) && names.length === 1 && names[0] === "describe") return "suite";
  if (TEST.has(c.root) && names.length === 0) return "test";
  return null;
}

export function countTests(source: string, fileName = "test.ts"): number {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const visit = (node: ts.Node, factor: number): number => {
    if (ts.isCallExpression(node)) {
      const c = callee(node.expression);
      const k = c && kind(c);
      if (c && k === "test") return factor * c.rows;
      if (c && k === "suite") return node.arguments.reduce((sum, arg) => sum + visit(arg, factor * c.rows), 0);
    }
    let sum = 0;
    ts.forEachChild(node, (child) => void (sum += visit(child, factor)));
    return sum;
  };
  return visit(file, 1);
}
