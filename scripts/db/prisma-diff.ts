import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PRISMA6_CLI, PRISMA6_CONFIG, ROOT } from "./paths";

const execFileAsync = promisify(execFile);

/**
 * SQL taking a database from datamodel `from` (null: an empty database) to datamodel `to`, both
 * given as schema.prisma texts. Computed by the Prisma 6 CLI's wasm schema engine (Prisma 7's
 * native engine cannot be downloaded here); it connects to `serverUrl` only to read the server
 * version, so any existing database on the target server will do.
 */
export async function diffDatamodels(from: string | null, to: string, serverUrl: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "vantflow-prisma-diff-"));
  try {
    const toPath = path.join(dir, "to.prisma");
    await writeFile(toPath, withDatasourceUrl(to));
    const fromArgs = ["--from-empty"];
    if (from !== null) {
      const fromPath = path.join(dir, "from.prisma");
      await writeFile(fromPath, withDatasourceUrl(from));
      fromArgs.splice(0, 1, "--from-schema-datamodel", fromPath);
    }
    const args = [PRISMA6_CLI, "migrate", "diff", "--config", PRISMA6_CONFIG, ...fromArgs, "--to-schema-datamodel", toPath, "--script"];
    const env = {
      ...process.env,
      DATABASE_URL: serverUrl,
      PRISMA6_SCHEMA: toPath,
      // Engines are never downloaded: the wasm engine does the work, these paths just stop the fetch.
      PRISMA_QUERY_ENGINE_LIBRARY: "/bin/false",
      PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    };
    try {
      const { stdout } = await execFileAsync(process.execPath, args, { cwd: ROOT, env, maxBuffer: 64 << 20 });
      return normalizeScript(stdout);
    } catch (err) {
      const stderr = typeof err === "object" && err !== null && "stderr" in err ? String(err.stderr).trim() : "";
      throw new Error(`prisma-6 migrate diff failed${stderr ? `:\n${stderr}` : `: ${String(err)}`}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether a script does anything; Prisma's "no changes" script is only comments. */
export function hasStatements(sql: string): boolean {
  return sql.split("\n").some((line) => {
    const t = line.trim();
    return t !== "" && !t.startsWith("--");
  });
}

// Prisma 6 refuses a datasource without `url`; Prisma 7 forbids one. Only the copies get it.
function withDatasourceUrl(schema: string): string {
  const block = /(datasource\s+\w+\s*\{)([^}]*)\}/;
  const match = block.exec(schema);
  if (!match) throw new Error("schema has no datasource block");
  if (/^\s*url\s*=/m.test(match[2] ?? "")) return schema;
  return schema.replace(block, (_all, open: string, body: string) => `${open}${body.trimEnd()}\n  url = env("DATABASE_URL")\n}`);
}

function normalizeScript(stdout: string): string {
  return (
    stdout
      // A diff from empty adds this; `prisma migrate dev` (diffing against a shadow database) never
      // does. `public` exists in every database, and CREATE SCHEMA IF NOT EXISTS still demands the
      // CREATE privilege on the database, which a restricted production role may not have.
      .replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n+/m, "")
      .trimEnd() + "\n"
  );
}
