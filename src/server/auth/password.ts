import bcrypt from "bcryptjs";
import { AppError } from "~/server/errors";
import { PASSWORD_MAX_BYTES, passwordFitsBcrypt } from "~/lib/password-rules";

// bcryptjs: the maintained pure-JS bcrypt, so no native build step on Vercel or here.
const COST = 10;

/**
 * bcrypt reads only the first PASSWORD_MAX_BYTES bytes. Longer passwords are never hashed, and
 * never compared: a compare would match any password sharing those bytes.
 */
export const hashPassword = async (password: string) => {
  if (!passwordFitsBcrypt(password)) {
    throw new AppError("BAD_REQUEST", `Password must be at most ${PASSWORD_MAX_BYTES} bytes.`, {
      fieldErrors: { password: [`Password must be at most ${PASSWORD_MAX_BYTES} bytes.`] },
    });
  }
  return bcrypt.hash(password, COST);
};
export const verifyPassword = async (password: string, hash: string) =>
  passwordFitsBcrypt(password) && bcrypt.compare(password, hash);

let dummyHash: string | undefined;
/** A real hash to compare against when the user does not exist, so both paths cost the same. */
export const dummyPasswordHash = () => (dummyHash ??= bcrypt.hashSync("not-a-real-password", COST));
