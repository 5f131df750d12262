import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "~/env";
import { PrismaClient } from "~/generated/prisma/client";

function createPrismaClient() {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: env.DATABASE_URL }),
    // Query errors are handled (and logged, when unexpected) by the caller; Prisma would log
    // expected ones too, such as the unique violation behind a 409.
    log: env.NODE_ENV === "development" ? ["warn"] : [],
  });
}

// One client per process: Next.js dev reloads modules, and each client holds a pool.
const globalForPrisma = globalThis as unknown as { prisma?: ReturnType<typeof createPrismaClient> };

export const db = globalForPrisma.prisma ?? createPrismaClient();
if (env.NODE_ENV !== "production") globalForPrisma.prisma = db;

export type Db = typeof db;
