import { readFileSync } from "node:fs";

// Stripe's own example objects (shared/stripe/fixtures3.json, beside the repository).
const fixtures = JSON.parse(readFileSync(new URL("../../../../shared/stripe/fixtures3.json", import.meta.url), "utf8")) as {
  resources: Record<string, Record<string, unknown>>;
};

/** The top-level field names of Stripe's fixture of `type`. */
export function fixtureKeys(type: string) {
  const fixture = fixtures.resources[type];
  if (!fixture) throw new Error(`No fixture for ${type}`);
  return Object.keys(fixture).sort();
}
