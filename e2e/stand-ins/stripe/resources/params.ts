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

/**
 * Stripe's `created` list filter: an exact Unix time, or a range of `gt`/`gte`/`lt`/`lte`
 * (`created[gte]=…` on the wire), all bounds applying together.
 */
export function createdFilter(p: Params) {
  const raw = p.created;
  if (raw === undefined) return () => true;
  const bound = (value: unknown, key: string) => {
    if (typeof value !== "string" || !/^\d+$/.test(value)) throw invalid(`Invalid integer: ${String(value)}`, key);
    return Number(value);
  };
  if (typeof raw === "string") {
    const exact = bound(raw, "created");
    return (o: { created: number }) => o.created === exact;
  }
  if (!raw || typeof raw !== "object") throw invalid("Invalid created filter.", "created");
  const range = raw as Record<string, unknown>;
  const unknown = Object.keys(range).find((k) => !["gt", "gte", "lt", "lte"].includes(k));
  if (unknown) throw invalid(`Received unknown parameter: created[${unknown}]`, `created[${unknown}]`);
  const b = Object.fromEntries(Object.entries(range).map(([k, v]) => [k, bound(v, `created[${k}]`)])) as Partial<Record<"gt" | "gte" | "lt" | "lte", number>>;
  return (o: { created: number }) =>
    (b.gt === undefined || o.created > b.gt) &&
    (b.gte === undefined || o.created >= b.gte) &&
    (b.lt === undefined || o.created < b.lt) &&
    (b.lte === undefined || o.created <= b.lte);
}
