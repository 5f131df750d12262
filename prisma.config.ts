import "dotenv/config";
import { defineConfig } from "prisma/config";

// Prisma 7 reads the connection string here, not from the schema. `prisma generate` needs none.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/vantflow" },
});
