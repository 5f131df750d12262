import "dotenv/config";

/**
 * Seeds a demo user and organization. Idempotent: an existing demo user is left as it is.
 * Run by `npm run dev` on the embedded database only, or by hand with `npm run db:seed`.
 */
export const DEMO = { email: "demo@vantflow.dev", password: "demo-password", name: "Demo User", org: "Demo Org" };

export async function seed() {
  const { db } = await import("~/server/clients/db");
  const { registerUser } = await import("~/server/auth/register-user");
  const existing = await db.user.findUnique({ where: { email: DEMO.email }, select: { id: true } });
  if (existing) return { created: false as const, ...DEMO };
  const result = await registerUser({
    email: DEMO.email,
    password: DEMO.password,
    name: DEMO.name,
    organizationName: DEMO.org,
  });
  return { created: true as const, token: result.token, ...DEMO };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await seed();
  console.log(result.created ? `Seeded ${result.email} / ${result.password}` : `${result.email} already exists`);
  process.exit(0);
}
