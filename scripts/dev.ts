/**
 * `npm run dev`: the Remix dev server, against real Clerk when both keys are
 * configured (environment or .env), otherwise against the offline Clerk
 * emulator, started here on 127.0.0.1.
 */
import { assertPortFree, assertValidConfig, clerkKeysConfigured, runServer, startOfflineClerk } from "./offline-clerk";

const port = Number(process.env.PORT ?? 3000);
await assertPortFree(port, "PORT");
const emulator = clerkKeysConfigured() ? undefined : await startOfflineClerk(`http://localhost:${port}`);
assertValidConfig();

runServer(
  "npx",
  ["remix", "dev", "-c", "tsx server/index.ts"],
  {
    ...process.env,
    PORT: String(port),
    NODE_ENV: "development",
  },
  emulator,
);
