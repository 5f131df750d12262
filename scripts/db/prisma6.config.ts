// Config for the Prisma 6 CLI (npm alias `prisma-6`), used only for datamodel-to-datamodel diffs
// (see prisma-diff.ts). Prisma 6's wasm schema engine needs a driver adapter; `allowExitOnIdle`
// lets the CLI exit as soon as the diff is printed instead of waiting for the pool's idle timeout.
import { defineConfig } from "prisma-6/config";
import { PrismaPg } from "@prisma/adapter-pg-6";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: process.env.PRISMA6_SCHEMA,
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true });
  },
});
