// Usage: tsx scripts/db/migrate.ts deploy | create <name> | check
// Stand-in for `prisma migrate deploy|dev --create-only|diff`, whose native engine is unavailable here.
import { config } from "dotenv";
import { checkMigrations } from "./check";
import { createMigration } from "./create";
import { deployMigrations } from "./deploy";
import { adminUrl, databaseName, databaseUrl } from "./paths";

config({ quiet: true });

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const url = databaseUrl();
  switch (command) {
    case "deploy": {
      const applied = await deployMigrations(url, { log: (line) => console.log(line) });
      console.log(
        applied.length === 0
          ? `No pending migrations; ${databaseName(url)} is up to date.`
          : `Applied ${applied.length} migration(s) to ${databaseName(url)}.`,
      );
      return 0;
    }
    case "create": {
      const name = rest.join(" ");
      if (!name) break;
      const created = await createMigration(name, adminUrl(url));
      console.log(created ? `Created ${created.file}` : "schema.prisma matches the last migration; nothing created.");
      return 0;
    }
    case "check": {
      const problems = await checkMigrations(url);
      if (problems.length === 0) {
        console.log("OK: the migrations produce exactly the database schema.prisma describes.");
        return 0;
      }
      console.error(problems.join("\n\n"));
      return 1;
    }
  }
  console.error("Usage: tsx scripts/db/migrate.ts deploy | create <name> | check");
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name === "MigrationError" ? "" : "Error: "}${err.message}` : String(err));
    process.exitCode = 1;
  },
);
