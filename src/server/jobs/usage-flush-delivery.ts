/**
 * The usage flush as QStash drives it: the hourly schedule's delivery (body `{}`) runs one flush.
 * The flush is idempotent by itself; the delivery is still recorded by its message id
 * (job-delivery.ts), so a repeated delivery answers 200 without a second run, and a failed run
 * answers 5xx so QStash retries it.
 */
import { z } from "zod";
import { flushUsage } from "~/server/jobs/usage-flush";
import { type QStashDelivery, runDeliveryOnce } from "~/server/jobs/job-delivery";

const JOB = "usage-flush";
const usageFlushMessage = z.strictObject({});

export function handleUsageFlushDelivery(delivery: QStashDelivery) {
  // Parsed before anything is recorded: a body that does not fit is a 400 with nothing written.
  usageFlushMessage.parse(delivery.body);
  return runDeliveryOnce(JOB, delivery.messageId, async () => ({ ok: true as const, result: await flushUsage({ trigger: "qstash" }) }));
}
