/**
 * A Redis server of a test file's own (Debian's redis-server, which the test command installs),
 * so a test can make Redis unreachable (SIGSTOP: connections stay open, nothing answers) and
 * bring it back (SIGCONT) without touching the run's shared Redis.
 */
import { spawn } from "node:child_process";
import { createServer, connect } from "node:net";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => socket.write("PING\r\n"));
    socket.on("data", (d) => (socket.destroy(), resolve(d.toString().startsWith("+PONG"))));
    socket.on("error", () => resolve(false));
  });

export async function startRedisServer() {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    close: () => {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
    },
  };
}

/**
 * Points this test file's counter store at a Redis of its own. Call it inside `vi.hoisted`, before
 * anything imports ~/env or the store.
 */
export async function useOwnRedis() {
  const server = await startRedisServer();
  process.env.REDIS_URL = server.url;
  delete (globalThis as { kvStore?: unknown }).kvStore;
  return server;
}

/** Waits until the app's counter store answers again (its circuit breaker closes after a few seconds). */
export async function untilStoreAnswers(store: { ping(): Promise<string> }, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await store.ping().then(() => true, () => false)) return;
    if (Date.now() > deadline) throw new Error("the counter store did not answer again");
    await new Promise((r) => setTimeout(r, 200));
  }
}
