/**
 * One chat turn, answered whole: hold the output cap (402 from Redis alone when the org is past its
 * quota) → the project must be the actor's (404, hold released) → count the prompt and hold it →
 * generateContent → store both messages → charge the tokens the model reported.
 *
 * A failed model call (429, 5xx, no answer) releases the hold: nothing is charged or stored. Once
 * the model has answered, its tokens were spent, so they are charged even when storing fails.
 */
import type { Actor } from "~/server/orgs/memberships";
import { getProject } from "~/server/projects/projects";
import { conversation, storeExchange, type ChatMessageInput, type ModelReply } from "~/server/chat/messages";
import { countPromptTokens, generateReply } from "~/server/chat/model";
import { CHAT_METRIC, holdTokens, type TokenHold } from "~/server/chat/token-hold";

/**
 * Everything before the model writes a token: the hold (cap, then prompt) and the turns to send.
 * On any failure the hold is released before the error leaves.
 */
export async function prepareTurn(actor: Actor, projectId: string, content: string, now = new Date()) {
  const hold = await holdTokens(actor.organizationId, now);
  try {
    await getProject(actor, projectId);
    const contents = await conversation(projectId, content);
    await hold.holdPrompt(await countPromptTokens(contents));
    return { hold, contents };
  } catch (error) {
    await hold.release();
    throw error;
  }
}

/** Runs `work` and releases the hold when it fails. */
export async function releasingOnFailure<T>(hold: TokenHold, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await hold.release();
    throw error;
  }
}

/** Stores the exchange and charges the reported tokens, side by side: spent tokens are charged even when storing fails. */
export async function finishTurn(actor: Actor, projectId: string, content: string, hold: TokenHold, reply: ModelReply) {
  const [stored, charged] = await Promise.allSettled([storeExchange(actor, projectId, content, reply), hold.settle(reply.totalTokens)]);
  if (stored.status === "rejected") throw stored.reason;
  if (charged.status === "rejected") throw charged.reason;
  const [message, answer] = stored.value;
  return { message, reply: answer, usage: { metric: CHAT_METRIC, current: charged.value.current, limit: charged.value.limit } };
}

export async function sendMessage(actor: Actor, projectId: string, input: ChatMessageInput, now = new Date()) {
  const { hold, contents } = await prepareTurn(actor, projectId, input.content, now);
  const reply = await releasingOnFailure(hold, () => generateReply(contents, hold.held));
  return finishTurn(actor, projectId, input.content, hold, reply);
}
