/**
 * The rules of a new password, in one place for the server and the browser: validation.ts's
 * passwordInput enforces them, and the password forms list them under the field before anything
 * is typed and tick them off live (password-field.tsx). Nothing here may import server code.
 */

/** bcrypt reads the first 72 bytes of a password and ignores the rest. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_LENGTH = 8;

// TextEncoder, not Buffer: the password forms run these rules in the browser too.
export const passwordFitsBcrypt = (password: string) => new TextEncoder().encode(password).length <= PASSWORD_MAX_BYTES;

export const PASSWORD_BYTE_LIMIT_MESSAGE =
  `Password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (${PASSWORD_MAX_BYTES} plain letters or digits; ` +
  "accented letters and emoji take 2 to 4 bytes each).";

export const PASSWORD_RULES = [
  {
    id: "length",
    label: `At least ${PASSWORD_MIN_LENGTH} characters`,
    message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`,
    test: (password: string) => password.length >= PASSWORD_MIN_LENGTH,
  },
  {
    id: "bytes",
    label: `At most ${PASSWORD_MAX_BYTES} bytes (accented letters and emoji count 2 to 4)`,
    message: PASSWORD_BYTE_LIMIT_MESSAGE,
    test: passwordFitsBcrypt,
  },
] as const;
