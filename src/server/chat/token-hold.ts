/**
 * What a chat call holds against the org's gemini_tokens quota while the model works, through the
 * meter's reservations (atomic check-and-record in Redis):
 *
 * 1. the output cap (MAX_OUTPUT_TOKENS), before anything else: an org already past its quota is
 *    refused with the guide's 402 from one Redis round trip, without a database read or a model call;
 * 2. the prompt, once the model has counted it: the whole estimate (prompt + cap) then fits the limit.
 *
 * The model cannot answer with more than the cap, so a settled call costs at most what it held:
 * concurrent calls near the limit cannot push the month past it by more than one reservation.
 * Settling or releasing twice has no second effect (the meter's reservations are idempotent).
 */
import { reserve, type Metered, type Reservation } from "~/server/usage/meter";

export const CHAT_METRIC = "gemini_tokens";
/** The `maxOutputTokens` every chat call passes to the model, and so the most a reply can cost. */
export const MAX_OUTPUT_TOKENS = 1_024;

export interface TokenHold {
  /** Tokens held now (the cap, plus the prompt once held). */
  readonly held: number;
  /** Holds the prompt's tokens too; 402 (and nothing more held) when they do not fit. */
  holdPrompt(tokens: number): Promise<void>;
  /** Charges what the model reported instead of what was held. */
  settle(totalTokens: number): Promise<Metered>;
  /** Gives everything back: the call failed, nothing is charged. */
  release(): Promise<void>;
}

export async function holdTokens(organizationId: string, now = new Date()): Promise<TokenHold> {
  const output = await reserve(organizationId, CHAT_METRIC, MAX_OUTPUT_TOKENS, now);
  let prompt: Reservation | null = null;
  return {
    get held() {
      return output.estimate + (prompt?.estimate ?? 0);
    },
    async holdPrompt(tokens) {
      prompt = await reserve(organizationId, CHAT_METRIC, tokens, now);
    },
    async settle(totalTokens) {
      // The whole difference goes through one reservation; the other is closed at its estimate (adds 0).
      const promptHeld = prompt?.estimate ?? 0;
      const [metered] = await Promise.all([output.settle(totalTokens - promptHeld), prompt?.settle(promptHeld)]);
      return metered;
    },
    async release() {
      await Promise.all([output.release(), prompt?.release()]);
    },
  };
}
