/**
 * Named leases with expiry (JobLease rows): at most one live holder per name across every
 * instance. Taking is ONE statement — insert, or take over a row whose lease has expired or that
 * the same holder already has (renewal) — so concurrent takers cannot both win. A holder that
 * crashed loses its lease when it expires. (A session advisory lock would not do: pooled
 * connections do not keep a session for the length of a run.)
 */
import { db } from "~/server/clients/db";

/** Takes or renews `name` for `holder` for `seconds`; false while another holder's lease is live. */
export async function takeLease(name: string, holder: string, seconds: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO "JobLease" ("name", "holder", "expiresAt")
    VALUES (${name}, ${holder}, now() + make_interval(secs => ${seconds}))
    ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt"
     WHERE "JobLease"."expiresAt" < now() OR "JobLease"."holder" = EXCLUDED."holder"
    RETURNING "holder"`;
  return rows.length === 1;
}

/** Gives `name` up if `holder` still has it (a lease taken over since is left alone). */
export async function releaseLease(name: string, holder: string) {
  await db.jobLease.deleteMany({ where: { name, holder } });
}
