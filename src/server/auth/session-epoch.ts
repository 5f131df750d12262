/**
 * `User.sessionEpoch` orders what a password check proved against password resets and changes.
 * A check reads the epoch with the hash (verify-credentials.ts); a reset or change bumps it in the
 * transaction that writes the new hash and ends the sessions. What the check grants — a session
 * row, an API token — is inserted only in a transaction that first reads the epoch under
 * `FOR SHARE` and finds it unchanged. The lock orders the two writers either way:
 * - the grant locks first: the reset's UPDATE of the user waits for the grant to commit, and then
 *   ends the session it made (its revocation statement runs after);
 * - the reset updates first: the grant's FOR SHARE waits for the reset to commit, then reads the
 *   new epoch and refuses.
 * So a sign-in that read the old password never yields a live session after the reset.
 */
import type { Prisma } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";

/** The password-change side: the epoch moves on, in the caller's transaction. */
export const bumpSessionEpoch = { sessionEpoch: { increment: 1 } } satisfies Prisma.UserUpdateInput;

/**
 * Throws UNAUTHORIZED (as a wrong password would: the password checked is no longer the user's)
 * unless the user's epoch is still `epoch`; holds a share lock on the user's row until the
 * caller's transaction ends, so the grant the caller inserts next commits before any reset can.
 */
export async function requireSessionEpoch(tx: Prisma.TransactionClient, userId: string, epoch: number): Promise<void> {
  const [row] = await tx.$queryRaw<{ sessionEpoch: number }[]>`SELECT "sessionEpoch" FROM "User" WHERE "id" = ${userId} FOR SHARE`;
  if (!row || row.sessionEpoch !== epoch) {
    throw new AppError("UNAUTHORIZED", "Email or password is incorrect.", { details: { reason: "credentials_changed" } });
  }
}
