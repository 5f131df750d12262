import { z } from "zod";
import { checkoutInput, completeCheckout, createCheckoutSession, createSetupSession } from "~/server/billing/checkout";
import { getBillingOverview } from "~/server/billing/overview";
import { listPaymentMethods, paymentMethodInput, removePaymentMethod, setDefaultPaymentMethod } from "~/server/billing/payment-methods";
import {
  cancelPendingChange,
  cancelSubscription,
  changePlan,
  createPortalSession,
  planChangeInput,
  previewChange,
  resumeSubscription,
} from "~/server/billing/plan-changes";
import { publicPlans } from "~/server/billing/plans";
import { syncOrganization } from "~/server/billing/sync-organization";
import { createTRPCRouter, orgAdminProcedure, orgProcedure, publicProcedure } from "~/server/api/trpc";
import { idInput } from "~/server/validation";

// Reads are open to every member; every mutation is OWNER/ADMIN (orgAdminProcedure).
export const billingRouter = createTRPCRouter({
  plans: publicProcedure.query(() => publicPlans()),
  overview: orgProcedure.query(({ ctx }) => getBillingOverview(ctx.actor)),
  createCheckoutSession: orgAdminProcedure.input(checkoutInput).mutation(({ ctx, input }) => createCheckoutSession(ctx.actor, input)),
  // Completing runs the org's sync and may set its default card: a change like the others.
  completeCheckout: orgAdminProcedure
    .input(z.object({ sessionId: idInput("Checkout session id") }))
    .mutation(({ ctx, input }) => completeCheckout(ctx.actor, input.sessionId)),
  previewChange: orgAdminProcedure.input(planChangeInput).query(({ ctx, input }) => previewChange(ctx.actor, input)),
  changePlan: orgAdminProcedure.input(planChangeInput).mutation(({ ctx, input }) => changePlan(ctx.actor, input)),
  cancelPendingChange: orgAdminProcedure.mutation(({ ctx }) => cancelPendingChange(ctx.actor)),
  cancel: orgAdminProcedure.mutation(({ ctx }) => cancelSubscription(ctx.actor)),
  resume: orgAdminProcedure.mutation(({ ctx }) => resumeSubscription(ctx.actor)),
  portal: orgAdminProcedure.mutation(({ ctx }) => createPortalSession(ctx.actor)),
  syncNow: orgAdminProcedure.mutation(({ ctx }) => syncOrganization(ctx.actor)),
  paymentMethods: orgProcedure.query(({ ctx }) => listPaymentMethods(ctx.actor)),
  addPaymentMethod: orgAdminProcedure.mutation(({ ctx }) => createSetupSession(ctx.actor)),
  setDefaultPaymentMethod: orgAdminProcedure
    .input(paymentMethodInput)
    .mutation(({ ctx, input }) => setDefaultPaymentMethod(ctx.actor, input.paymentMethodId)),
  removePaymentMethod: orgAdminProcedure
    .input(paymentMethodInput)
    .mutation(({ ctx, input }) => removePaymentMethod(ctx.actor, input.paymentMethodId)),
});
