/**
 * The self-hosted server: `next build` (with `output: "standalone"`) leaves a minimal server in
 * .next/standalone, which serves neither public/ nor .next/static unless they sit beside it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const standaloneDir = (root = ROOT) => join(root, ".next/standalone");

/** Copies public/ and .next/static beside server.js (again after each build: old chunks go). */
export function prepareStandalone(root = ROOT) {
  const dir = standaloneDir(root);
  if (!existsSync(join(dir, "server.js"))) throw new Error(`${dir}/server.js is missing: run next build (next.config.mjs sets output: "standalone").`);
  for (const [from, to] of [
    ["public", "public"],
    [".next/static", ".next/static"],
  ] as const) {
    rmSync(join(dir, to), { recursive: true, force: true });
    if (existsSync(join(root, from))) cpSync(join(root, from), join(dir, to), { recursive: true });
  }
  return dir;
}

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface RunningStandalone {
  url: string;
  child: ChildProcess;
  /** The server's output so far, for a failure report. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node .next/standalone/server.js` on 127.0.0.1:port and waits until /api/health/live answers. */
export async function startStandalone(opts: { port: number; env: NodeJS.ProcessEnv; root?: string; timeoutMs?: number }): Promise<RunningStandalone> {
  const dir = standaloneDir(opts.root);
  const child = spawn(process.execPath, [join(dir, "server.js")], {
    cwd: dir,
    env: { ...opts.env, NODE_ENV: "production", PORT: String(opts.port), HOSTNAME: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${opts.port}`;
  const running: RunningStandalone = {
    url,
    child,
    output: () => log,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server.js exited with ${child.exitCode}:\n${log}`);
    const live = await fetch(`${url}/api/health/live`).catch(() => null);
    if (live?.ok) return running;
    await new Promise((r) => setTimeout(r, 250));
  }
  await running.stop();
  throw new Error(`server.js did not answer on ${url} within ${opts.timeoutMs ?? 60_000} ms:\n${log}`);
}
