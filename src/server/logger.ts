/**
 * Structured logs as one JSON line each. Values under keys that look secret are replaced, and
 * errors keep only name, message and code, so no token, key or password reaches a log.
 */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|signature/i;

function clean(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    // The cause chain too (an AppError wrapping a Stripe error), cleaned the same way.
    const cause = value.cause !== undefined && depth < 4 ? { cause: clean(value.cause, depth + 1) } : {};
    return { name: value.name, message: value.message, ...(code ? { code } : {}), ...cause };
  }
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : clean(v, depth + 1)]),
  );
}

function write(level: "info" | "warn" | "error", message: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...(clean(fields) as object) });
  (level === "error" ? console.error : level === "warn" ? console.warn : console.log)(line);
}

export const logger = {
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

export const redactForLog = clean;
