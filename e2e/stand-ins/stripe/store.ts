import { randomBytes } from "node:crypto";
import { invalid, missing } from "./errors";

export interface StandInSettings {
  /** Billing → Revenue recovery: a subscription's fate once every retry of an invoice failed. */
  afterFinalRetry: "cancel" | "mark_unpaid" | "leave_past_due";
  /**
   * Stand-in only: every customer created without `test_clock` gets a clock of its own, so tests
   * can move time for customers that the app under test creates.
   */
  clockPerCustomer: boolean;
  /**
   * Stand-in only: the mode its products and prices report (`livemode`), what a deployment's
   * preflight compares with its key. Defaults to the secret key's: true for `sk_live_…`.
   */
  livemode: boolean;
}

export type StripeObject = { id: string; object: string; created: number; [key: string]: unknown };

/** The stand-in's state: one ordered map per resource, and a clock that test clocks can move. */
export class Store {
  private readonly tables = new Map<string, Map<string, StripeObject>>();
  private sequence = 0;
  now = () => Math.floor(Date.now() / 1000);
  /** Where the stand-in serves its hosted pages (checkout, invoices); set once it listens. */
  baseUrl = "";
  /** Account settings that Stripe keeps in the Dashboard rather than the API. */
  settings: StandInSettings = { afterFinalRetry: "cancel", clockPerCustomer: false, livemode: false };

  id(prefix: string) {
    return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
  }

  table(kind: string) {
    let table = this.tables.get(kind);
    if (!table) this.tables.set(kind, (table = new Map()));
    return table;
  }

  insert<T extends StripeObject>(kind: string, object: T): T {
    // A hidden sequence keeps list order stable for objects created within the same second.
    Object.defineProperty(object, "__seq", { value: ++this.sequence, enumerable: false });
    this.table(kind).set(object.id, object);
    return object;
  }

  /** Puts back an object saved before a restart under its old sequence number (persistence.ts). */
  restore(kind: string, object: StripeObject, at: number) {
    Object.defineProperty(object, "__seq", { value: at, enumerable: false });
    this.table(kind).set(object.id, object);
    this.sequence = Math.max(this.sequence, at);
  }

  /** Every object with its kind and sequence number, oldest first (what persistence.ts saves). */
  entries() {
    return [...this.tables]
      .flatMap(([kind, table]) => [...table.values()].map((object) => ({ kind, seq: seq(object), object })))
      .sort((a, b) => a.seq - b.seq);
  }

  get<T extends StripeObject = StripeObject>(kind: string, id: string, param = "id"): T {
    const object = this.table(kind).get(id);
    if (!object) throw missing(kind, id, param);
    return object as T;
  }

  /** Newest first, as Stripe lists, with `starting_after` / `ending_before` cursors. */
  list(kind: string, params: Record<string, unknown>, filter: (o: StripeObject) => boolean = () => true) {
    const all = [...this.table(kind).values()]
      .filter(filter)
      .sort((a, b) => seq(b) - seq(a));
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 10)));
    let start = 0;
    let end = all.length;
    if (typeof params.starting_after === "string") {
      const at = all.findIndex((o) => o.id === params.starting_after);
      if (at < 0) throw invalid(`No such object: '${params.starting_after}'`, "starting_after");
      start = at + 1;
    }
    if (typeof params.ending_before === "string") {
      const at = all.findIndex((o) => o.id === params.ending_before);
      if (at < 0) throw invalid(`No such object: '${params.ending_before}'`, "ending_before");
      end = at;
      start = Math.max(0, end - limit);
    }
    const data = all.slice(start, Math.min(end, start + limit));
    const hasMore = typeof params.ending_before === "string" ? start > 0 : start + data.length < end;
    return { object: "list" as const, data, has_more: hasMore, url: `/v1/${kind}s` };
  }
}

const seq = (o: StripeObject) => (o as unknown as { __seq: number }).__seq;
