/**
 * `npm run smoke:standalone`: the self-hosted server as production runs it. Copies the assets
 * beside .next/standalone/server.js, starts a stand-in for each outside service that is not
 * configured (Stripe, QStash with the job schedules, Gemini, SendGrid), runs the preflight
 * against that configuration, starts `node .next/standalone/server.js` with it, and smoke-tests
 * /health, registration and sign-in, the billing page and a signed Stripe webhook. Exits 1 on any
 * failure. `-- --serve` keeps the server and stand-ins running after a pass, until Ctrl-C.
 * Needs a `next build`, DATABASE_URL (migrated), REDIS_URL and AUTH_SECRET.
 */
import "dotenv/config";
import { startLocalServices } from "./lib/local-services";
import { smokeSteps, runSmoke } from "./lib/smoke-checks";
import { freePort, prepareStandalone, startStandalone, type RunningStandalone } from "./lib/standalone";
import { formatReport, preflightPassed, runPreflight } from "./preflight/run-preflight";

const serve = process.argv.includes("--serve");
const missing = ["DATABASE_URL", "AUTH_SECRET"].filter((name) => !process.env[name]);
if (!process.env.REDIS_URL && !process.env.UPSTASH_REDIS_REST_URL) missing.push("REDIS_URL");
if (missing.length) {
  console.error(`Set ${missing.join(", ")} first (see README, Deploying → Self-hosted).`);
  process.exit(2);
}

console.log(`[smoke] assets copied into ${prepareStandalone()}`);
const port = Number(process.env.SMOKE_PORT ?? (await freePort()));
const appUrl = `http://127.0.0.1:${port}`;
// Stand-ins on free ports unless given; QStash's schedules are registered at this APP_URL.
const env: NodeJS.ProcessEnv = {
  STRIPE_STAND_IN_PORT: "0",
  QSTASH_STAND_IN_PORT: "0",
  GEMINI_STAND_IN_PORT: "0",
  SENDGRID_STAND_IN_PORT: "0",
  ...process.env,
  APP_URL: appUrl,
};
const services = await startLocalServices(env, appUrl);
for (const s of services.started) console.log(`[smoke] ${s.name} stand-in on ${s.url}`);

let server: RunningStandalone | undefined;
let ok = false;
try {
  const preflight = await runPreflight(env);
  console.log(formatReport(preflight));
  if (preflightPassed(preflight)) {
    server = await startStandalone({ port, env });
    console.log(`[smoke] node .next/standalone/server.js answers on ${server.url}`);
    ok = await runSmoke(smokeSteps(server.url, env.STRIPE_WEBHOOK_SECRET!));
    if (!ok) console.log(`[smoke] server output:\n${server.output().slice(-4000)}`);
  }
} catch (error) {
  console.error(`[smoke] ${error instanceof Error ? error.message : String(error)}`);
}

if (ok && serve && server) {
  console.log(`[smoke] passed; serving on ${server.url} (Ctrl-C stops the server and the stand-ins)`);
  server.child.stdout!.pipe(process.stdout);
  server.child.stderr!.pipe(process.stderr);
  await new Promise<void>((done) => {
    process.once("SIGINT", () => done());
    process.once("SIGTERM", () => done());
    server!.child.once("exit", () => done());
  });
}
await server?.stop();
await services.close();
console.log(ok ? "[smoke] passed" : "[smoke] FAILED");
process.exit(ok ? 0 : 1);
