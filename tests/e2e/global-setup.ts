import { startAppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startLaunchedEmulator } from "../support/emulator";

/**
 * One emulator and one production server for the browser tests. Their
 * addresses reach the tests through the environment, which Playwright hands
 * to its workers.
 */
export default async function globalSetup() {
  const emulator = await startLaunchedEmulator();
  // Like `npm run dev`: every template the instance has, so a template made in the studio gets a token at once.
  const app = await startAppServer(appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*" }));
  process.env.E2E_APP_URL = app.url;
  process.env.E2E_EMULATOR_URL = emulator.apiUrl;
  process.env.E2E_EMULATOR_SECRET_KEY = emulator.secretKey;
  return async () => {
    await app.stop();
    await emulator.stop();
  };
}
