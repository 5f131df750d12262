/**
 * The time arithmetic QStash documents: `Upstash-Delay` / `Upstash-Timeout` durations, the
 * default retry backoff, and `Upstash-Retry-Delay` expressions.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "10s", "3m", "10h", "1d" (QStash's documented form: a number and one of s, m, h, d) → ms.
 * Concatenations such as "1h30m" are accepted too; anything else is `null`, never a guess.
 */
export function parseDuration(value: string): number | null {
  const text = value.trim();
  if (!/^(?:\d+(?:ms|s|m|h|d))+$/.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(amount) * (UNIT_MS[unit!] ?? 0);
  return total;
}

/**
 * QStash's default backoff before retry number `n` (1 for the first retry), in seconds:
 * `min(86400, e^(2.5·n))` — 12 s, 2 min 28 s, 30 min 8 s, …, capped at one day.
 */
export function defaultBackoffSeconds(n: number): number {
  return Math.min(86_400, Math.exp(2.5 * n));
}

type Token = { kind: "num"; value: number } | { kind: "id"; value: string } | { kind: "op"; value: string };
type Expr = (retried: number) => number;

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  pow: Math.pow,
  sqrt: Math.sqrt,
  abs: Math.abs,
  exp: Math.exp,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  min: Math.min,
  max: Math.max,
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    const num = /^\d+(?:\.\d+)?/.exec(rest);
    const id = /^[A-Za-z_]\w*/.exec(rest);
    if (space) i += space[0].length;
    else if (num) {
      tokens.push({ kind: "num", value: Number(num[0]) });
      i += num[0].length;
    } else if (id) {
      tokens.push({ kind: "id", value: id[0] });
      i += id[0].length;
    } else if ("+-*/(),".includes(rest[0]!)) {
      tokens.push({ kind: "op", value: rest[0]! });
      i += 1;
    } else throw new Error(`unexpected "${rest[0]}" at ${i}`);
  }
  return tokens;
}

/**
 * Compiles an `Upstash-Retry-Delay` expression into a function of `retried` (0 before the first
 * retry) giving milliseconds. The grammar is the documented one: numbers, `retried`, + − × ÷,
 * parentheses and pow, sqrt, abs, exp, floor, ceil, round, min, max. Throws on anything else, so
 * a bad header is refused at publish time rather than failing at the first retry.
 */
export function compileRetryDelay(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const takeOp = (value: string) => {
    const t = peek();
    if (t?.kind === "op" && t.value === value) {
      pos++;
      return true;
    }
    return false;
  };
  const expectOp = (value: string) => {
    if (!takeOp(value)) throw new Error(`expected "${value}" at token ${pos}`);
  };

  function sum(): Expr {
    let left = product();
    for (;;) {
      if (takeOp("+")) {
        const [l, r] = [left, product()];
        left = (n) => l(n) + r(n);
      } else if (takeOp("-")) {
        const [l, r] = [left, product()];
        left = (n) => l(n) - r(n);
      } else return left;
    }
  }
  function product(): Expr {
    let left = unary();
    for (;;) {
      if (takeOp("*")) {
        const [l, r] = [left, unary()];
        left = (n) => l(n) * r(n);
      } else if (takeOp("/")) {
        const [l, r] = [left, unary()];
        left = (n) => l(n) / r(n);
      } else return left;
    }
  }
  function unary(): Expr {
    if (takeOp("-")) {
      const inner = unary();
      return (n) => -inner(n);
    }
    return primary();
  }
  function primary(): Expr {
    const t = peek();
    if (!t) throw new Error("unexpected end of expression");
    pos++;
    if (t.kind === "num") return () => t.value;
    if (t.kind === "op" && t.value === "(") {
      const inner = sum();
      expectOp(")");
      return inner;
    }
    if (t.kind === "id" && t.value === "retried") return (n) => n;
    if (t.kind === "id" && FUNCTIONS[t.value]) {
      const fn = FUNCTIONS[t.value]!;
      expectOp("(");
      const args: Expr[] = [sum()];
      while (takeOp(",")) args.push(sum());
      expectOp(")");
      return (n) => fn(...args.map((a) => a(n)));
    }
    throw new Error(`unexpected "${String(t.value)}"`);
  }

  const expr = sum();
  if (pos !== tokens.length) throw new Error(`unexpected token at ${pos}`);
  return expr;
}
