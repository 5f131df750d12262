/**
 * One free trial per owner account and per card. The first trial of an owner (and of whoever
 * started the checkout) and of a card number (Stripe's `card.fingerprint`) claims it; the claim
 * is a unique row, so two trials racing for it cannot both win. A trial that finds its owner or
 * its card claimed by another subscription is ended at once at Stripe (`trial_end: "now"`): the
 * subscription starts billing, and the org learns why from `trialRefusedReason`.
 */
import type Stripe from "stripe";
import { type Prisma } from "~/generated/prisma/client";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { idOf } from "~/server/billing/stripe-values";
import { logger } from "~/server/logger";

export type TrialRefusalReason = "owner_had_trial" | "card_had_trial";
export type TrialUnavailableReason = "org_had_trial" | "owner_had_trial";
export type TrialRefusal = { subscriptionId: string; reason: TrialRefusalReason };

type Claim = { kind: "owner" | "card"; key: string };
/** What the claims need of a card: a Stripe payment method, or a stored row of one. */
export type CardFingerprint = { id: string; card?: { fingerprint?: string | null } | null };

/** The claims a subscription's trial makes: its org's owners, the user who started it, its card. */
function claimsOf(sub: Stripe.Subscription, owners: string[], fingerprints: Map<string, string>, customerDefault: string | null): Claim[] {
  const starter = sub.metadata?.startedBy;
  const users = new Set([...owners, ...(starter ? [starter] : [])]);
  const card = fingerprints.get(idOf(sub.default_payment_method) ?? customerDefault ?? "");
  return [...[...users].map((key) => ({ kind: "owner" as const, key })), ...(card ? [{ kind: "card" as const, key: card }] : [])];
}

/**
 * Records the claims of every subscription that has had a trial, oldest first, inside the sync's
 * transaction, and returns the trials still running whose owner or card another subscription
 * claimed first.
 */
export async function claimTrials(
  tx: Prisma.TransactionClient,
  organizationId: string,
  subscriptions: Stripe.Subscription[],
  paymentMethods: CardFingerprint[],
  customerDefault: string | null,
): Promise<TrialRefusal[]> {
  const trials = subscriptions.filter((s) => s.trial_start).sort((a, b) => a.trial_start! - b.trial_start!);
  if (!trials.length) return [];
  const owners = (await tx.membership.findMany({ where: { organizationId, role: "OWNER" }, select: { userId: true } })).map((m) => m.userId);
  const fingerprints = new Map(paymentMethods.flatMap((pm) => (pm.card?.fingerprint ? [[pm.id, pm.card.fingerprint] as const] : [])));
  const refusals: TrialRefusal[] = [];
  for (const sub of trials) {
    const claims = claimsOf(sub, owners, fingerprints, customerDefault);
    if (!claims.length) continue;
    await tx.trialClaim.createMany({ data: claims.map((c) => ({ ...c, organizationId, stripeSubscriptionId: sub.id })), skipDuplicates: true });
    if (sub.status !== "trialing") continue;
    const taken = await tx.trialClaim.findMany({
      where: { OR: claims, stripeSubscriptionId: { not: sub.id } },
      select: { kind: true },
    });
    if (taken.length) refusals.push({ subscriptionId: sub.id, reason: taken.some((c) => c.kind === "card") ? "card_had_trial" : "owner_had_trial" });
  }
  return refusals;
}

/** Ends refused trials at Stripe (each under its own idempotency key) and says why on the org. */
export async function endRefusedTrials(organizationId: string, refusals: TrialRefusal[]) {
  for (const refusal of refusals) {
    await stripe().subscriptions.update(refusal.subscriptionId, { trial_end: "now" }, { idempotencyKey: `vantflow-refuse-trial-${refusal.subscriptionId}` });
    logger.info("billing: trial refused and ended", { organizationId, ...refusal });
  }
  await db.organization.update({ where: { id: organizationId }, data: { trialRefusedReason: refusals.at(-1)!.reason } });
}

/**
 * Whether a checkout started by `userId` for the org may carry a trial: not when the org had one,
 * nor when one of its owners or the user already claimed a trial for another org. (A card's
 * claim can only be checked once Checkout has collected the card: the sync does that.)
 */
export async function trialEligibility(organizationId: string, userId: string): Promise<{ trial: boolean; reason: TrialUnavailableReason | null }> {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { trialUsedAt: true, memberships: { where: { role: "OWNER" }, select: { userId: true } } },
  });
  if (org.trialUsedAt) return { trial: false, reason: "org_had_trial" };
  const users = [...new Set([userId, ...org.memberships.map((m) => m.userId)])];
  const claimed = await db.trialClaim.findFirst({ where: { kind: "owner", key: { in: users }, organizationId: { not: organizationId } }, select: { id: true } });
  return claimed ? { trial: false, reason: "owner_had_trial" } : { trial: true, reason: null };
}
