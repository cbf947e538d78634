import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { expect, test } from "./fixtures";
import { expectSignedIn } from "./clerk-ui";
import { signInAs } from "./clerk-testing";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Short-lived session tokens (an emulator option) so that refreshes and an
 * expired `__session` happen within the test.
 */
const SESSION_TOKEN_LIFETIME_S = 20;

let emulator: TestEmulator;
let app: AppServer;

test.beforeAll(async () => {
  emulator = await startTestEmulator({ sessionTokenLifetimeSeconds: SESSION_TOKEN_LIFETIME_S });
  app = await startAppServer(appEnvFor(emulator));
});

test.afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

test("the user stays signed in across refreshes, and after the session token expired", async ({ context }) => {
  test.setTimeout(120_000);
  const page = await context.newPage();
  await signInAs(page, app.url);
  await expectSignedIn(page);

  // clerk-js refreshes __session in the background; each reload is authenticated by the server.
  for (let reload = 0; reload < 3; reload++) {
    await page.waitForTimeout(8_000);
    await page.reload();
    await expectSignedIn(page);
  }

  // With no page open nothing refreshes the cookie: the next page load meets an expired
  // __session, and Clerk's handshake renews it with a redirect instead of signing the user out.
  await page.close();
  await sleep((SESSION_TOKEN_LIFETIME_S + 3) * 1000);
  const handshakes: string[] = [];
  const next = await context.newPage();
  next.on("request", (request) => {
    if (request.url().includes("/v1/client/handshake")) handshakes.push(request.url());
  });
  await next.goto(app.url);
  await expectSignedIn(next);
  expect(handshakes).toHaveLength(1);
  expect((await next.request.get(`${app.url}/api/get-token-example`)).status()).toBe(200);
});
