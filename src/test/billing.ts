/** Integration-test actors for billing: an owner with a tRPC caller, and a checkout paid on the hosted page. */
import { expect } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";
import { payOnHostedPage } from "~/test/stripe";

export async function makeOwner(name = "Billing Owner") {
  const user = await makeUser(name);
  const caller = createCaller({ headers: new Headers(), userId: user.user.id });
  return { ...user, orgId: user.organization.id, caller };
}
export type Owner = Awaited<ReturnType<typeof makeOwner>>;

/** Another org owned by the same user, with the owner's caller. */
export async function secondOrg(o: Owner, name = "Second org") {
  const org = await o.caller.org.create({ name });
  return { ...o, orgId: org.id };
}

export const customerOf = async (orgId: string) =>
  (await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { stripeCustomerId: true } })).stripeCustomerId!;

/** Checkout → hosted page paid → back on the success URL, which syncs at once. */
export async function subscribe(o: Pick<Owner, "orgId" | "caller">, card?: string, plan: "pro" | "business" = "pro") {
  const { url, trial } = await o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan, interval: "month" });
  const back = new URL(await payOnHostedPage(url, card));
  expect(back.pathname).toBe("/dashboard/billing");
  await o.caller.billing.completeCheckout({ orgId: o.orgId, sessionId: back.searchParams.get("session_id")! });
  return { trial };
}
