import { startAppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startLaunchedEmulator } from "../support/emulator";

/**
 * One emulator and one production server for the browser tests. Their
 * addresses reach the tests through the environment, which Playwright hands
 * to its workers; so do the emulator's keys, as a reader's app has its Clerk
 * keys in its environment for @clerk/testing's clerkSetup() (clerk.setup.ts).
 */
export default async function globalSetup() {
  const emulator = await startLaunchedEmulator();
  // Like `npm run dev`: every template the instance has, so a template made in the studio gets a token at once.
  const app = await startAppServer(appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*" }));
  process.env.E2E_APP_URL = app.url;
  process.env.E2E_EMULATOR_URL = emulator.apiUrl;
  process.env.E2E_EMULATOR_SECRET_KEY = emulator.secretKey;
  Object.assign(process.env, {
    CLERK_PUBLISHABLE_KEY: emulator.publishableKey,
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_API_URL: emulator.apiUrl,
  });
  return async () => {
    await app.stop();
    await emulator.stop();
  };
}
