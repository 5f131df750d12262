import { checkHealth } from "~/server/health/check-health";

export async function health() {
  const { ok, body } = await checkHealth();
  return Response.json(body, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}

/** GET /api/health/live: the liveness probe — answers 200 without touching any dependency. */
export function live() {
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
