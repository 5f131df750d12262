/**
 * The app as benchmarks measure it: `next start` of the production build (built first when
 * `.next/BUILD_ID` is missing or BENCH_BUILD=1), on a port of its own, with the given env. The
 * caller points the env at its database and stand-ins; `stop()` ends the server, `kill()` kills it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
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

/** Newest modification time (ms) of the files the build is made from. */
function newestSource() {
  const inputs = ["src", "public", "next.config.mjs", "package-lock.json", "tsconfig.json"].map((p) => join(root, p)).filter((p) => existsSync(p));
  let newest = 0;
  for (const input of inputs) {
    const files = statSync(input).isDirectory() ? readdirSync(input, { recursive: true, encoding: "utf8" }).map((f) => join(input, f)) : [input];
    for (const file of files) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  const buildId = join(root, ".next/BUILD_ID");
  return process.env.BENCH_BUILD === "1" || !existsSync(buildId) || statSync(buildId).mtimeMs < newestSource();
}

export async function startNextApp(opts: { port: number; env: Record<string, string> }) {
  const env = { ...process.env, ...opts.env, NODE_ENV: "production" as const, APP_URL: opts.env.APP_URL ?? `http://127.0.0.1:${opts.port}` };
  if (needsBuild()) {
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
