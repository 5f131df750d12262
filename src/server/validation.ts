/**
 * The bounds of user input, in one place: every schema that takes text, an email, a password or an
 * id builds it from these. Whatever passes can be stored by PostgreSQL as it is (no NUL, no lone
 * surrogate), and nothing unbounded reaches the database or bcrypt.
 */
import { z } from "zod";
import { PASSWORD_BYTE_LIMIT_MESSAGE, PASSWORD_RULES, passwordFitsBcrypt } from "~/lib/password-rules";

/** RFC 5321: a forward-path is at most 256 octets including the angle brackets. */
export const EMAIL_MAX_LENGTH = 254;
/** Our ids are cuids (25 characters), Stripe's are prefixed base62; both fit with room to spare. */
export const ID_MAX_LENGTH = 128;

/** C0 controls and DEL. PostgreSQL refuses NUL in text (22021); the rest have no place in a name. */
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F]/;
/** The same, minus tab, line feed and carriage return, for text where lines make sense. */
const CONTROL_CHARACTERS_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Half of a surrogate pair on its own: not a character, and UTF-8 cannot encode it (it would be stored as U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Trimmed text of 1..max characters without control characters (`multiline` allows tab and line
 * breaks, never NUL) and well-formed UTF-16, so it encodes to UTF-8 unchanged.
 */
export function boundedText(max: number, label: string, options: { multiline?: boolean } = {}) {
  const forbidden = options.multiline ? CONTROL_CHARACTERS_BUT_LINES : CONTROL_CHARACTERS;
  return z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, { error: `${label} is required.` })
    .max(max, { error: `${label} must be at most ${max} characters.` })
    .refine((text) => !forbidden.test(text), {
      error: options.multiline
        ? `${label} cannot contain control characters other than tabs and line breaks.`
        : `${label} cannot contain control characters.`,
    })
    .refine((text) => !LONE_SURROGATE.test(text), { error: `${label} is not valid Unicode text.` });
}

/** An email address as it is stored: trimmed, lower case, at most EMAIL_MAX_LENGTH characters. */
export const emailInput = z
  .string({ error: "Email is required." })
  .trim()
  .max(EMAIL_MAX_LENGTH, { error: `Email must be at most ${EMAIL_MAX_LENGTH} characters.` })
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }));

/** A new password: every PASSWORD_RULES rule, each failing with its own message. */
export const passwordInput = PASSWORD_RULES.reduce(
  (schema, rule) => schema.refine(rule.test, { error: rule.message }),
  z.string({ error: "Password is required." }),
);

/**
 * A password given to sign in. One past PASSWORD_MAX_BYTES can never be right: bcrypt would
 * compare only its first 72 bytes, so a password that differs after them would match.
 */
export const signInPasswordInput = z
  .string({ error: "Password is required." })
  .min(1, { error: "Password is required." })
  .refine(passwordFitsBcrypt, { error: PASSWORD_BYTE_LIMIT_MESSAGE });

/** An id of ours or Stripe's: 1..ID_MAX_LENGTH letters, digits, `_` or `-`, so a huge or odd one never reaches a query. */
export function idInput(label = "Id") {
  return z
    .string({ error: `${label} is required.` })
    .min(1, { error: `${label} is required.` })
    .max(ID_MAX_LENGTH, { error: `${label} must be at most ${ID_MAX_LENGTH} characters.` })
    .regex(/^[A-Za-z0-9_-]*$/, { error: `${label} is not a valid id.` }); // empty: the min above says so
}
