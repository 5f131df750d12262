/** The guide's 402 body for the monthly token quota, as a contract the tests hold the app to. */
export const guideTokenQuota402 = (current: number, limit: number, resetsAt: string) => ({
  error: "Quota exceeded",
  message: "Your organization has reached its monthly token quota. Upgrade now to continue running automations without interruption.",
  quota: { metric: "gemini_tokens", current, limit, percentage: Math.round((current / limit) * 10_000) / 100, limitType: "plan" },
  upgradeUrl: "/billing/upgrade",
  resetsAt,
});
