/**
 * `npm run standalone:prepare` (also `postbuild`): copies public/ and .next/static beside
 * .next/standalone/server.js, which serves them only from there. Then `npm run start:standalone`.
 */
import { prepareStandalone } from "./lib/standalone";

console.log(`Standalone server ready in ${prepareStandalone()} (start: node .next/standalone/server.js)`);
