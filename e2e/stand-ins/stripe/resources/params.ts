import { invalid } from "../errors";

export type Params = Record<string, unknown>;

export const str = (p: Params, key: string) => (typeof p[key] === "string" ? (p[key] as string) : undefined);

export function requireStr(p: Params, key: string) {
  const value = str(p, key);
  if (value === undefined || value === "") throw invalid(`Missing required param: ${key}.`, key);
  return value;
}

export function int(p: Params, key: string) {
  const raw = str(p, key);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw invalid(`Invalid integer: ${raw}`, key);
  return Number(raw);
}

export const bool = (p: Params, key: string) => (p[key] === undefined ? undefined : p[key] === "true");

/** A list filter: each named param that is given must equal the object's field, as the wire writes it. */
export const matching = (p: Params, fields: string[]) => (o: Record<string, unknown>) =>
  fields.every((field) => p[field] === undefined || String(o[field]) === p[field]);

/** Stripe's metadata update: keys merge, an empty string deletes a key. */
export function mergeMetadata(current: Record<string, string>, update: unknown) {
  if (update === "") return {};
  if (!update || typeof update !== "object") return current;
  const next = { ...current };
  for (const [k, v] of Object.entries(update as Record<string, string>)) {
    if (v === "") delete next[k];
    else next[k] = String(v);
  }
  return next;
}
