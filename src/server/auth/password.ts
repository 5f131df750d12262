import bcrypt from "bcryptjs";

// bcryptjs: the maintained pure-JS bcrypt, so no native build step on Vercel or here.
const COST = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

let dummyHash: string | undefined;
/** A real hash to compare against when the user does not exist, so both paths cost the same. */
export const dummyPasswordHash = () => (dummyHash ??= bcrypt.hashSync("not-a-real-password", COST));
