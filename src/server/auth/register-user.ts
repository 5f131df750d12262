import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { generateToken } from "~/server/auth/token-format";
import { hashPassword } from "~/server/auth/password";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { joinWithInvitation } from "~/server/orgs/accept-invitation";
import { boundedText, emailInput, passwordInput } from "~/server/validation";

export const registerInput = z.object({
  email: emailInput,
  password: passwordInput,
  name: boundedText(100, "Name"),
  organizationName: boundedText(100, "Organization name").optional(),
  /** The raw token of an invitation link: the account joins that org instead of getting its own. */
  invitationToken: z.string().min(1).max(200).optional(),
});
export type RegisterInput = z.infer<typeof registerInput>;

/**
 * Creates the user, an organization they own, and a first API token, in one transaction: a
 * taken email (even under a race, via the unique index) is CONFLICT and writes nothing.
 * With an invitation token the user instead joins the invitation's org with its role (and no
 * organization of their own is created, so the dashboard opens in the invited org); the token
 * must be pending and addressed to `email`, or nothing is written (see joinWithInvitation).
 */
export async function registerUser(input: RegisterInput) {
  const passwordHash = await hashPassword(input.password);
  const { token, prefix, tokenHash } = generateToken();
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash },
        select: { id: true, email: true, name: true },
      });
      const organization = input.invitationToken
        ? (await joinWithInvitation(tx, input.invitationToken, user)).organization
        : await tx.organization.create({
            data: {
              name: input.organizationName ?? `${input.name}'s organization`,
              memberships: { create: { userId: user.id, role: "OWNER" } },
            },
            select: { id: true, name: true },
          });
      await tx.apiToken.create({
        data: { userId: user.id, organizationId: organization.id, name: "Created at sign-up", prefix, tokenHash },
      });
      return { user, organization, token };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        title: "Email taken",
        fieldErrors: { email: ["An account with this email already exists."] },
      });
    }
    throw error;
  }
}
