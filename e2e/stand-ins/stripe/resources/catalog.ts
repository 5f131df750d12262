import { invalid } from "../errors";
import type { Store, StripeObject } from "../store";
import { bool, int, matching, mergeMetadata, requireStr, str, type Params } from "./params";
import type { Route } from "../router";

export function productObject(store: Store, p: Params): StripeObject {
  const now = store.now();
  return {
    id: str(p, "id") ?? store.id("prod"),
    object: "product",
    active: bool(p, "active") ?? true,
    created: now,
    default_price: null,
    description: str(p, "description") ?? null,
    images: [],
    livemode: store.settings.livemode,
    marketing_features: [],
    metadata: mergeMetadata({}, p.metadata),
    name: requireStr(p, "name"),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: str(p, "statement_descriptor") ?? null,
    tax_code: null,
    type: "service",
    unit_label: null,
    updated: now,
    url: null,
  };
}

export function priceObject(store: Store, p: Params): StripeObject {
  const product = requireStr(p, "product");
  store.get("product", product, "product");
  const recurring = p.recurring as Params | undefined;
  const unitAmount = int(p, "unit_amount");
  if (unitAmount === undefined || unitAmount < 0) throw invalid("unit_amount must be a non-negative integer.", "unit_amount");
  const lookupKey = str(p, "lookup_key") ?? null;
  if (lookupKey) {
    const taken = [...store.table("price").values()].find((x) => x.lookup_key === lookupKey);
    if (taken && !bool(p, "transfer_lookup_key")) {
      throw invalid(`A price (\`${taken.id}\`) already uses that lookup key.`, "lookup_key");
    }
    if (taken) taken.lookup_key = null;
  }
  const interval = recurring ? requireStr(recurring, "interval") : undefined;
  if (interval && !["day", "week", "month", "year"].includes(interval)) throw invalid("Invalid interval.", "recurring[interval]");
  return {
    id: store.id("price"),
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: store.now(),
    currency: requireStr(p, "currency").toLowerCase(),
    custom_unit_amount: null,
    livemode: store.settings.livemode,
    lookup_key: lookupKey,
    metadata: mergeMetadata({}, p.metadata),
    nickname: str(p, "nickname") ?? null,
    product,
    recurring: recurring
      ? {
          interval,
          interval_count: int(recurring, "interval_count") ?? 1,
          meter: null,
          trial_period_days: null,
          usage_type: "licensed",
        }
      : null,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
}

export const catalogRoutes: Route[] = [
  [
    "POST",
    /^\/v1\/products$/,
    ({ store, params, emit }) => {
      const product = store.insert("product", productObject(store, params));
      emit("product.created", product);
      return product;
    },
  ],
  ["GET", /^\/v1\/products\/([^/]+)$/, ({ store, match }) => store.get("product", match[1]!)],
  [
    "POST",
    /^\/v1\/products\/([^/]+)$/,
    ({ store, params, match }) => {
      const product = store.get("product", match[1]!);
      if (params.name !== undefined) product.name = requireStr(params, "name");
      if (params.active !== undefined) product.active = bool(params, "active");
      if (params.default_price !== undefined) product.default_price = str(params, "default_price") || null;
      product.metadata = mergeMetadata(product.metadata as Record<string, string>, params.metadata);
      product.updated = store.now();
      return product;
    },
  ],
  [
    "GET",
    /^\/v1\/products$/,
    ({ store, params }) =>
      store.list("product", params, matching(params, ["active"])),
  ],
  [
    "POST",
    /^\/v1\/prices$/,
    ({ store, params, emit }) => {
      const price = store.insert("price", priceObject(store, params));
      emit("price.created", price);
      return price;
    },
  ],
  ["GET", /^\/v1\/prices\/([^/]+)$/, ({ store, match }) => store.get("price", match[1]!)],
  [
    "POST",
    /^\/v1\/prices\/([^/]+)$/,
    ({ store, params, match }) => {
      const price = store.get("price", match[1]!);
      if (params.active !== undefined) price.active = bool(params, "active");
      if (params.nickname !== undefined) price.nickname = str(params, "nickname") || null;
      price.metadata = mergeMetadata(price.metadata as Record<string, string>, params.metadata);
      return price;
    },
  ],
  [
    "GET",
    /^\/v1\/prices$/,
    ({ store, params }) => {
      const keys = Array.isArray(params.lookup_keys) ? (params.lookup_keys as string[]) : undefined;
      return store.list(
        "price",
        params,
        (o) =>
          (!keys || keys.includes(o.lookup_key as string)) &&
          matching(params, ["product", "active"])(o),
      );
    },
  ],
];
