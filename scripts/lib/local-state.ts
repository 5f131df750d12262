/**
 * What `npm run dev` keeps between runs in its data directory (VANTFLOW_DATA_DIR, default
 * `.data`), and what `npm run dev -- --reset` removes. The embedded database and the Stripe
 * stand-in's state go together: the database names the stand-in's customers and subscriptions,
 * so keeping one without the other strands every subscribed org. The dev AUTH_SECRET stays.
 */
import { existsSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";

export const localState = (dataDir: string) => ({
  postgres: join(dataDir, "postgres"),
  stripe: join(dataDir, "stripe-stand-in.json"),
});

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export const portTaken = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });

/**
 * Removes the Stripe stand-in's state and, when the database is the embedded one, its data.
 * Refuses while something still listens on `ports` (another `npm run dev` on this directory
 * would write them again). Returns the paths it removed.
 */
export async function resetLocalState(dataDir: string, opts: { embeddedPostgres: boolean; ports: number[] }) {
  for (const port of opts.ports) {
    if (await portTaken(port)) throw new Error(`--reset: port ${port} is still in use (another npm run dev?); stop it first.`);
  }
  const paths = localState(dataDir);
  const removed = [paths.stripe, ...(opts.embeddedPostgres ? [paths.postgres] : [])].filter((path) => existsSync(path));
  for (const path of removed) rmSync(path, { recursive: true, force: true });
  return removed;
}
