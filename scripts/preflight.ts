/**
 * `npm run preflight`: checks a deployment's configuration before it serves, with the variables
 * it will run with (the environment, then .env): env complete and consistent, database migrated,
 * Stripe prices matching the plan table in the key's mode, QStash schedules at APP_URL. Prints
 * what is wrong, naming the variable, and exits 1 on any problem. It changes nothing.
 * `-- --jobs=cron`: a local scheduler runs the job CLIs, so QStash is not checked.
 */
import "dotenv/config";
import { formatReport, preflightPassed, runPreflight } from "./preflight/run-preflight";

const jobs = process.argv.includes("--jobs=cron") ? "cron" : "qstash";
const results = await runPreflight(process.env, { jobs });
console.log(formatReport(results));
process.exit(preflightPassed(results) ? 0 : 1);
