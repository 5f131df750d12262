/**
 * The stored conversation of a project: the input a caller may send, the turns given to the model,
 * and the exchange written once the model has answered (both messages in one transaction, so a
 * failed call leaves nothing behind).
 */
import type { Content } from "@google/genai";
import { z } from "zod";
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";
import { getProject } from "~/server/projects/projects";
import { boundedText } from "~/server/validation";

export const MAX_CONTENT_LENGTH = 8_000;
/** Earlier messages sent along as context; older ones are left out (and not paid for). */
export const HISTORY_MESSAGES = 10;

export const chatMessageInput = z.object({ content: boundedText(MAX_CONTENT_LENGTH, "Content", { multiline: true }) });
export type ChatMessageInput = z.infer<typeof chatMessageInput>;

export const messageSelect = {
  id: true,
  role: true,
  content: true,
  model: true,
  promptTokens: true,
  completionTokens: true,
  totalTokens: true,
  createdAt: true,
} as const;

/** Oldest first, as a chat reads. A project of another org is NOT_FOUND. */
export async function listMessages(actor: Actor, projectId: string) {
  await getProject(actor, projectId);
  return db.chatMessage.findMany({ where: { projectId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: messageSelect });
}

/** The turns the model sees: the last HISTORY_MESSAGES stored ones, then the new message. */
export async function conversation(projectId: string, content: string): Promise<Content[]> {
  const history = await db.chatMessage.findMany({
    where: { projectId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: HISTORY_MESSAGES,
    select: { role: true, content: true },
  });
  const turns = history.reverse().map((m) => ({ role: m.role === "USER" ? "user" : "model", parts: [{ text: m.content }] }));
  return [...turns, { role: "user", parts: [{ text: content }] }];
}

export interface ModelReply {
  text: string;
  model: string;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number;
}

/** Writes the user's message and the model's reply together; the reply is one millisecond later so the order holds. */
export function storeExchange(actor: Actor, projectId: string, content: string, reply: ModelReply, at = new Date()) {
  return db.$transaction([
    db.chatMessage.create({ data: { projectId, userId: actor.userId, role: "USER", content, createdAt: at }, select: messageSelect }),
    db.chatMessage.create({
      data: {
        projectId,
        userId: actor.userId,
        role: "ASSISTANT",
        content: reply.text,
        model: reply.model,
        promptTokens: reply.promptTokens,
        completionTokens: reply.completionTokens,
        totalTokens: reply.totalTokens,
        createdAt: new Date(at.getTime() + 1),
      },
      select: messageSelect,
    }),
  ]);
}
