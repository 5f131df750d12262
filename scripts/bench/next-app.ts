/**
 * The app as benchmarks measure it: `next start` of the production build (built first when
 * `.next/BUILD_ID` is missing or BENCH_BUILD=1), on a port of its own, with the given env. The
 * caller points the env at its database and stand-ins; `stop()` ends the server, `kill()` kills it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib";

const next = join(root, "node_modules/.bin/next");

async function waitUntilAnswers(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answered = await fetch(url).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`next start did not answer ${url} within ${timeoutMs} ms`);
}

export async function startNextApp(opts: { port: number; env: Record<string, string> }) {
  const env = { ...process.env, ...opts.env, NODE_ENV: "production" as const, APP_URL: opts.env.APP_URL ?? `http://127.0.0.1:${opts.port}` };
  if (process.env.BENCH_BUILD === "1" || !existsSync(join(root, ".next/BUILD_ID"))) {
    console.log("[bench] building the app (next build)…");
    const build = spawnSync(next, ["build"], { cwd: root, env, stdio: "inherit" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const server: ChildProcess = spawn(next, ["start", "--port", String(opts.port), "--hostname", "127.0.0.1"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${opts.port}`;
  await waitUntilAnswers(`${url}/api/billing/plans`, 60_000);
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", () => resolve());
      server.kill(signal);
    });
  return {
    url,
    stop: () => end("SIGTERM"),
    /** kill -9: the server dies at once, whatever it was doing (work scheduled after a response included). */
    kill: () => end("SIGKILL"),
  };
}
