import { z } from "zod";
import { createTRPCRouter, orgAdminProcedure, orgProcedure, protectedProcedure } from "~/server/api/trpc";
import { acceptInvitation } from "~/server/orgs/accept-invitation";
import { changeMemberRole, changeMemberRoleInput } from "~/server/orgs/change-member-role";
import { listInvitations } from "~/server/orgs/invitations";
import { inviteMember, inviteMemberInput } from "~/server/orgs/invite-member";
import { leaveOrganization } from "~/server/orgs/leave-organization";
import { listMembers } from "~/server/orgs/memberships";
import { removeMember, removeMemberInput } from "~/server/orgs/remove-member";
import { resendInvitation } from "~/server/orgs/resend-invitation";
import { revokeInvitation } from "~/server/orgs/revoke-invitation";
import { idInput } from "~/server/validation";

const invitationIdInput = z.object({ invitationId: idInput("Invitation id") });

/** Members and invitations of one org. Who may do what is decided in the services (src/server/orgs). */
export const teamRouter = createTRPCRouter({
  members: orgProcedure.query(({ ctx }) => listMembers(ctx.actor)),
  invitations: orgAdminProcedure.query(({ ctx }) => listInvitations(ctx.actor)),
  invite: orgProcedure.input(inviteMemberInput).mutation(({ ctx, input }) => inviteMember(ctx.actor, input)),
  revoke: orgProcedure.input(invitationIdInput).mutation(({ ctx, input }) => revokeInvitation(ctx.actor, input.invitationId)),
  resend: orgProcedure.input(invitationIdInput).mutation(({ ctx, input }) => resendInvitation(ctx.actor, input.invitationId)),
  changeRole: orgProcedure.input(changeMemberRoleInput).mutation(({ ctx, input }) => changeMemberRole(ctx.actor, input)),
  removeMember: orgProcedure.input(removeMemberInput).mutation(({ ctx, input }) => removeMember(ctx.actor, input)),
  leave: orgProcedure.mutation(({ ctx }) => leaveOrganization(ctx.actor)),
  accept: protectedProcedure
    .input(z.object({ token: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.userId, input.token)),
});
