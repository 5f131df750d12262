/**
 * The stand-in's "model": a pure function of the request body, so the same request always gets
 * the same text and the same token counts, in both the unary and the streamed form.
 *
 * Tokenizer approximation (not Gemini's SentencePiece tokenizer): a text of n Unicode code points
 * is ceil(n / 4) tokens, an empty text 0. A prompt is the sum over the text parts of `contents`
 * plus `systemInstruction`, and never less than 1. Non-text parts count 0.
 */

export interface Part {
  text?: string;
  [field: string]: unknown;
}

export interface Content {
  role?: string;
  parts?: Part[];
}

/** The fields of a GenerateContentRequest the stand-in reads; others are accepted and ignored. */
export interface GenerateContentRequest {
  contents?: Content[];
  systemInstruction?: Content;
  generationConfig?: { maxOutputTokens?: number };
}

export type FinishReason = "STOP" | "MAX_TOKENS";

export interface Generation {
  text: string;
  finishReason: FinishReason;
  promptTokenCount: number;
  candidatesTokenCount: number;
}

const codePoints = (text: string) => Array.from(text);

export function approxTokens(text: string): number {
  return Math.ceil(codePoints(text).length / 4);
}

const textOf = (content: Content | undefined) =>
  (content?.parts ?? []).map((p) => (typeof p.text === "string" ? p.text : "")).join("\n");

const partTokens = (content: Content | undefined) =>
  (content?.parts ?? []).reduce((sum, p) => sum + (typeof p.text === "string" ? approxTokens(p.text) : 0), 0);

export function promptTokens(req: GenerateContentRequest): number {
  const contents = (req.contents ?? []).reduce((sum, c) => sum + partTokens(c), 0);
  return Math.max(1, contents + partTokens(req.systemInstruction));
}

function clip(text: string, max: number) {
  const chars = codePoints(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

/** First few distinct words of four letters or more, in order of appearance. */
function keywords(text: string, limit = 3) {
  const seen: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/)) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (codePoints(word).length >= 4 && !seen.includes(word)) seen.push(word);
    if (seen.length === limit) break;
  }
  return seen;
}

/**
 * A short numbered plan that quotes the last user turn. A content without a role counts as the
 * user's, as the API treats it.
 */
export function planText(req: GenerateContentRequest): string {
  const userTurns = (req.contents ?? []).filter((c) => (c.role ?? "user") === "user");
  const last = textOf(userTurns.at(-1)).replace(/\s+/g, " ").trim();
  const words = last ? last.split(" ").length : 0;
  const focus = keywords(last);
  const system = textOf(req.systemInstruction).replace(/\s+/g, " ").trim();
  return [
    `Plan for "${clip(last, 60)}":`,
    `1. Restate the request (${words} ${words === 1 ? "word" : "words"}, turn ${userTurns.length}).`,
    `2. Focus on ${focus.length ? focus.join(", ") : "the main point"}.`,
    `3. ${system ? `Follow the system instruction "${clip(system, 40)}".` : "Answer directly and concisely."}`,
    "4. Confirm the outcome.",
  ].join("\n");
}

/** `maxOutputTokens` cuts the text at that many approximate tokens and reports MAX_TOKENS. */
export function generate(req: GenerateContentRequest): Generation {
  let text = planText(req);
  let finishReason: FinishReason = "STOP";
  const max = req.generationConfig?.maxOutputTokens;
  if (typeof max === "number" && max > 0 && approxTokens(text) > max) {
    text = codePoints(text).slice(0, max * 4).join("");
    finishReason = "MAX_TOKENS";
  }
  return { text, finishReason, promptTokenCount: promptTokens(req), candidatesTokenCount: approxTokens(text) };
}

/**
 * Splits `text` into about `pieces` chunks whose concatenation is exactly `text`. Each cut is
 * moved forward to the next whitespace, so words (and surrogate pairs) are never split.
 */
export function chunkText(text: string, pieces = 4): string[] {
  const target = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + target);
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    out.push(text.slice(start, end));
    start = end;
  }
  return out.length ? out : [""];
}
