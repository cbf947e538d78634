/**
 * `npm run start:offline`: the production build on the offline Clerk emulator.
 * A separate, explicit command, so that `npm start` can never fall back to
 * fake authentication by accident.
 */
import { assertPortFree, runServer, startOfflineClerk } from "./offline-clerk";

const port = Number(process.env.PORT ?? 3000);
await assertPortFree(port, "PORT");
const emulator = await startOfflineClerk(`http://localhost:${port}`);
runServer("node", ["scripts/start.js"], { ...process.env, PORT: String(port), NODE_ENV: "production" }, emulator);
