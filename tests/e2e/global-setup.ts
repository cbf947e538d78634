import { startAppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator } from "../support/emulator";

/**
 * One emulator and one production server for the browser tests. Their
 * addresses reach the tests through the environment, which Playwright hands
 * to its workers.
 */
export default async function globalSetup() {
  const emulator = await startTestEmulator();
  const app = await startAppServer(appEnvFor(emulator));
  process.env.E2E_APP_URL = app.url;
  process.env.E2E_EMULATOR_URL = emulator.apiUrl;
  process.env.E2E_EMULATOR_SECRET_KEY = emulator.secretKey;
  return async () => {
    await app.stop();
    await emulator.stop();
  };
}
