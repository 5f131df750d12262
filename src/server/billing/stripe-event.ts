/**
 * What the app requires of a signed Stripe event before it stores it. Every value that leaves the
 * payload for a column (id, type, customer, API version, creation time) is checked here so that
 * the INSERT cannot fail on it: PostgreSQL text refuses U+0000 and timestamptz ends in 294276,
 * and an event refused by the database would answer 500 on every redelivery, for days.
 */
import { z } from "zod";
import { AppError, fieldErrorsOf } from "~/server/errors";

/**
 * The largest body the webhook reads. Stripe publishes no maximum event size; an event carries
 * one object, whose embedded lists hold only their first handful of items (an invoice's lines,
 * with a URL for the rest) and whose metadata is capped (50 keys, values of 500 characters), so
 * real events run from a few KiB to some tens of KiB. 1 MiB leaves a wide margin over that while
 * bounding what one request, signed or not, can make us hold.
 */
export const STRIPE_EVENT_MAX_BYTES = 1024 * 1024;

/** Ids, types and API versions are printable ASCII (no spaces, no control characters). */
const PRINTABLE = /^[\x21-\x7e]{1,255}$/;
const EVENT_ID = /^evt_[\x21-\x7e]{1,251}$/;
const CUSTOMER_ID = /^cus_[\x21-\x7e]{1,251}$/;
/** 9999-12-31T23:59:59Z: any later `created` is not a Stripe time, and could not be stored. */
const MAX_CREATED = 253_402_300_799;

/** "is missing" when the field is absent, "must be …" when it is there but wrong. */
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is missing" : `must be ${what}`),
});

const matching = (pattern: RegExp, what: string) => z.string(expecting(what)).regex(pattern, expecting(what));
const unixTime = expecting("a Unix time in seconds");

const eventSchema = z.object(
  {
    id: matching(EVENT_ID, "a Stripe event id (evt_…)"),
    type: matching(PRINTABLE, "an event type such as customer.updated"),
    created: z.int(unixTime).min(0, unixTime).max(MAX_CREATED, unixTime),
    livemode: z.boolean(expecting("true or false")),
    api_version: matching(PRINTABLE, "an API version such as 2026-10-28.endive").nullish(),
    data: z.object(
      {
        object: z.record(z.string(), z.unknown(), expecting("an object")),
        previous_attributes: z.record(z.string(), z.unknown(), expecting("an object")).optional(),
      },
      expecting("an object holding the event's object"),
    ),
  },
  expecting("a JSON object"),
);

type EventData = z.infer<typeof eventSchema>["data"];

/** Where the payload names the customer the event is about, if anywhere (nothing else is taken from it). */
function customerReference({ object, previous_attributes: previous }: EventData): { path: string[]; value: unknown } | null {
  if (object.object === "customer") return { path: ["data", "object", "id"], value: object.id };
  // A detached payment method no longer names its customer; the update's previous value does.
  const [path, named] =
    object.customer != null
      ? [["data", "object", "customer"], object.customer]
      : [["data", "previous_attributes", "customer"], previous?.customer];
  if (named == null) return null;
  if (typeof named === "object" && "id" in named) return { path: [...path, "id"], value: named.id };
  return { path, value: named };
}

const stripeEventSchema = eventSchema.transform((event, ctx) => {
  const reference = customerReference(event.data);
  if (!reference) return { ...event, customerId: null };
  const { path, value } = reference;
  if (typeof value === "string" && CUSTOMER_ID.test(value)) return { ...event, customerId: value };
  ctx.addIssue({ code: "custom", path, message: "must be a Stripe customer id (cus_…)", input: value });
  return z.NEVER;
});

export type StripeEvent = z.infer<typeof stripeEventSchema>;

const malformed = (message: string, options: { fieldErrors?: Record<string, string[]>; cause?: unknown } = {}) =>
  new AppError("BAD_REQUEST", `The signed event is malformed: ${message}`, { ...options, details: { reason: "malformed_event" } });

/**
 * Parses a body whose signature has been verified. A body that is not JSON, or not an event this
 * app can store, is the sender's fault: a 400 naming each faulty field (also as `fieldErrors`).
 */
export function parseStripeEvent(rawBody: string): StripeEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (error) {
    throw malformed("the body is not JSON.", { cause: error });
  }
  const result = stripeEventSchema.safeParse(json);
  if (result.success) return result.data;
  const faults = result.error.issues.map((issue) => `${issue.path.join(".") || "the body"} ${issue.message}`);
  throw malformed(`${faults.join("; ")}.`, { fieldErrors: fieldErrorsOf(result.error) });
}
