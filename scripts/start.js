// `npm start`: the production server that `npm run build` built. Plain JavaScript, so that
// production needs no TypeScript loader; it only says what to do when there is no build yet.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

// The same usage and messages as the TypeScript scripts' scripts/command-line.ts, which this file cannot import.
const USAGE = `Usage: npm start

The production server that \`npm run build\` built (build/server.js), configured by environment variables
only (docs/environment.md): CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY, PORT, WEB_CONCURRENCY, REDIS_URL, …
Without keys, \`npm run start:offline\` serves the same build with the offline emulator.

Options:
  --help  show this help and exit`;

try {
  const { values } = parseArgs({ options: { help: { type: "boolean", short: "h" } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (error) {
  console.error(`npm start: ${error.message}\nRun \`npm start -- --help\` for the options.`);
  process.exit(1);
}

const SERVER_BUILD = new URL("../build/server.js", import.meta.url);

if (!existsSync(SERVER_BUILD)) {
  console.error(
    "\nThere is no production build yet: run `npm run build`, then `npm start`.\n" +
      "(`npm run dev` builds and serves the app as you edit it.)\n",
  );
  process.exit(1);
}
await import(SERVER_BUILD.href);
