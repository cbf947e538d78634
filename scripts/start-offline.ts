/**
 * `npm run start:offline`: the production build on the offline Clerk emulator.
 * A separate, explicit command, so that `npm start` can never fall back to
 * fake authentication by accident.
 */
import { assertPortFree, runServer, startOfflineClerk } from "./offline-clerk";
import { readOptions } from "./command-line";

readOptions({
  name: "npm run start:offline",
  summary: "The production build (npm run build first) on 127.0.0.1, against the offline Clerk emulator, started here.",
  environment: {
    PORT: "the app's port (default 3000)",
    EMULATOR_PORT: "the offline emulator's port (default 4010)",
    EMULATOR_DATA_DIR: "the offline emulator's data dir (default emulator/.data)",
  },
});

const port = Number(process.env.PORT ?? 3000);
await assertPortFree(port, "PORT");
const emulator = await startOfflineClerk(`http://localhost:${port}`);
runServer("node", ["scripts/start.js"], { ...process.env, PORT: String(port), NODE_ENV: "production" }, emulator);
