// `npm start`: the production server that `npm run build` built. Plain JavaScript, so that
// production needs no TypeScript loader; it only says what to do when there is no build yet.
import { existsSync } from "node:fs";

const SERVER_BUILD = new URL("../build/server.js", import.meta.url);

if (!existsSync(SERVER_BUILD)) {
  console.error(
    "\nThere is no production build yet: run `npm run build`, then `npm start`.\n" +
      "(`npm run dev` builds and serves the app as you edit it.)\n",
  );
  process.exit(1);
}
await import(SERVER_BUILD.href);
