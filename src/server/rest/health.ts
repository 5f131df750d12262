import { checkHealth } from "~/server/health/check-health";

export async function health() {
  const { ok, body } = await checkHealth();
  return Response.json(body, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
