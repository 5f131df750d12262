/**
 * The checks SendGrid's v3 Mail Send makes on a body, with its documented messages. Like SendGrid
 * it reports every problem it finds in one 400, each with the field's dotted path.
 */
import { help, type SendGridErrorItem } from "./errors";

export const MAX_PERSONALIZATIONS = 1000;
export const MAX_RECIPIENTS = 1000;

export interface Address {
  email: string;
  name?: string;
}
export interface Personalization {
  to?: Address[];
  cc?: Address[];
  bcc?: Address[];
  subject?: string;
  headers?: Record<string, string>;
}
export interface MailSendBody {
  personalizations: Personalization[];
  from: Address;
  reply_to?: Address;
  subject?: string;
  content?: { type: string; value: string }[];
  template_id?: string;
  headers?: Record<string, string>;
  categories?: string[];
  custom_args?: Record<string, string>;
  /** e.g. {click_tracking: {enable, enable_text}}: kept as sent, for tests to read. */
  tracking_settings?: Record<string, unknown>;
  /** e.g. {bypass_bounce_management: {enable}}: kept as sent, for tests to read. */
  mail_settings?: Record<string, unknown>;
}

// One @, no spaces, a dot in the domain: what SendGrid's "Does not contain a valid address" rejects.
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;

function checkAddress(value: unknown, field: string, errors: SendGridErrorItem[], anchor: string) {
  if (!isObject(value) || !isText(value.email)) return false;
  if (!EMAIL.test(value.email)) {
    errors.push({ message: "Does not contain a valid address.", field, help: help(anchor) });
    return false;
  }
  return true;
}

function checkPersonalization(p: unknown, i: number, errors: SendGridErrorItem[]) {
  const at = `personalizations.${i}`;
  if (!isObject(p)) {
    errors.push({ message: "The personalizations field must be an array of objects.", field: at, help: help("message.personalizations") });
    return { recipients: 0, hasSubject: false };
  }
  if (!Array.isArray(p.to) || p.to.length === 0) {
    errors.push({
      message: "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
      field: `${at}.to`,
      help: help("message.personalizations.to"),
    });
  }
  let recipients = 0;
  const seen = new Set<string>();
  for (const kind of ["to", "cc", "bcc"] as const) {
    const list = p[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      errors.push({ message: `The ${kind} field must be an array.`, field: `${at}.${kind}`, help: help(`message.personalizations.${kind}`) });
      continue;
    }
    list.forEach((address, j) => {
      recipients++;
      const field = `${at}.${kind}.${j}.email`;
      if (!isObject(address) || !isText(address.email)) {
        errors.push({
          message: `Each ${kind} object must at least have an email address and may also contain a name. e.g. {"email": "example@example.com"} or {"email": "example@example.com", "name": "Example Recipient"}`,
          field,
          help: help(`message.personalizations.${kind}`),
        });
        return;
      }
      if (!checkAddress(address, field, errors, `message.personalizations.${kind}`)) return;
      const key = (address.email as string).toLowerCase();
      if (seen.has(key)) {
        errors.push({
          message: `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${address.email as string}] in the ${at}.${kind} field.`,
          field: at,
          help: help("message.recipient_errors"),
        });
      }
      seen.add(key);
    });
  }
  return { recipients, hasSubject: isText(p.subject) };
}

function checkContent(content: unknown, hasTemplate: boolean, errors: SendGridErrorItem[]) {
  if (content === undefined || (Array.isArray(content) && content.length === 0)) {
    if (!hasTemplate) {
      errors.push({
        message:
          "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.",
        field: "content",
        help: help("message.content"),
      });
    }
    return;
  }
  if (!Array.isArray(content)) {
    errors.push({ message: "The content field must be an array of objects.", field: "content", help: help("message.content") });
    return;
  }
  // SendGrid builds the MIME alternatives in this order, and refuses any other.
  const types = content.map((block) => (isObject(block) && typeof block.type === "string" ? block.type.toLowerCase() : ""));
  const plain = types.indexOf("text/plain");
  const html = types.indexOf("text/html");
  if (plain > 0 || (html >= 0 && html !== (plain === 0 ? 1 : 0))) {
    errors.push({
      message: "If present, text/plain must be first, followed by text/html, followed by any other content.",
      field: "content",
      help: help("message.content"),
    });
  }
  content.forEach((block, i) => {
    const b = isObject(block) ? block : {};
    if (!isText(b.type) || /[;\r\n]/.test(b.type)) {
      errors.push({
        message: "The content type must be a string at least one character in length, and cannot contain ';', or CRLF characters.",
        field: `content.${i}.type`,
        help: help("message.content.type"),
      });
    }
    if (!isText(b.value)) {
      errors.push({
        message: "The content value must be a string at least one character in length.",
        field: `content.${i}.value`,
        help: help("message.content.value"),
      });
    }
  });
}

/** The errors SendGrid would answer 400 with; empty when it would accept the body. */
export function validateMailSend(body: unknown): SendGridErrorItem[] {
  const errors: SendGridErrorItem[] = [];
  const b = isObject(body) ? body : {};
  const hasTemplate = isText(b.template_id);
  const hasRootSubject = isText(b.subject);

  const personalizations = b.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    errors.push({
      message: "The personalizations field is required and must have at least one personalization.",
      field: "personalizations",
      help: help("-Personalizations-Errors"),
    });
  } else if (personalizations.length > MAX_PERSONALIZATIONS) {
    errors.push({
      message: `The personalization block is limited to ${MAX_PERSONALIZATIONS} personalizations per API request. You have provided ${personalizations.length} personalizations. Please consider splitting this into multiple requests and resending your request.`,
      field: "personalizations",
      help: help("message.personalizations"),
    });
  } else {
    let recipients = 0;
    let everyHasSubject = true;
    personalizations.forEach((p, i) => {
      const result = checkPersonalization(p, i, errors);
      recipients += result.recipients;
      everyHasSubject &&= result.hasSubject;
    });
    if (!everyHasSubject && !hasRootSubject && !hasTemplate) {
      errors.push({
        message:
          "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
        field: "subject",
        help: help("message.subject"),
      });
    }
    if (recipients > MAX_RECIPIENTS) {
      errors.push({
        message: `There is a limit of ${MAX_RECIPIENTS} total recipients (to + cc + bcc) per request.`,
        field: "personalizations",
        help: help("message.personalizations"),
      });
    }
  }

  if (!isObject(b.from) || !isText(b.from.email)) {
    errors.push({
      message:
        'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
      field: "from.email",
      help: help("message.from"),
    });
  } else {
    checkAddress(b.from, "from.email", errors, "message.from");
  }
  if (b.reply_to !== undefined) checkAddress(b.reply_to, "reply_to.email", errors, "message.reply_to");

  checkContent(b.content, hasTemplate, errors);
  return errors;
}
