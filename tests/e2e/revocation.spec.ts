import { freePort, startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { getOnNewConnection } from "../../support/fleet";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { expectSignedIn, expectSignedOut, signOutThroughUserButton } from "./clerk-ui";
import { signInAs } from "./clerk-testing";
import { expect, test } from "./fixtures";

/**
 * Signing out closes the reuse window at once: the emulator sends Clerk's
 * signed session webhook, and every worker of a fleet sharing tokens through
 * Redis stops handing out the session's reused token.
 */

const WORKERS = 2;
let redis: LocalRedis;
let emulator: TestEmulator;
let fleet: AppServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  redis = await startLocalRedis();
  emulator = await startTestEmulator({ webhooks: { url: `http://127.0.0.1:${port}/api/webhooks/clerk` } });
  fleet = await startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: String(WORKERS), REDIS_URL: redis.url }), port);
});

test.afterAll(async () => {
  await fleet?.stop();
  await emulator?.stop();
  await redis?.remove();
});

test("after signing out, the old session token's curl command gets 401 within a second on every worker", async ({
  page,
}) => {
  await signInAs(page, fleet.url);
  await expectSignedIn(page);
  await page.getByRole("button", { name: "Get token" }).click();
  await expect(page.getByTestId("jwt")).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const curl = page.getByTestId("curl-command");
  await expect(curl).toContainText("Bearer ey");
  const [, sessionToken, url] = (await curl.textContent())?.match(/Bearer ([\w.-]+)" "([^"]+)"/) ?? [];
  const runCurl = () => getOnNewConnection(url!, { Authorization: `Bearer ${sessionToken}` });
  const before = await Promise.all(Array.from({ length: 2 * WORKERS }, runCurl));
  expect(before.map((answer) => answer.status)).toEqual(Array(2 * WORKERS).fill(200));
  expect(before.at(-1)!.timing).toMatch(/^cache;desc="hit"/);

  await signOutThroughUserButton(page);
  await expectSignedOut(page);
  const signedOutAt = Date.now();
  let after = before;
  while (Date.now() - signedOutAt < 1000 && !after.every((answer) => answer.status === 401)) {
    after = await Promise.all(Array.from({ length: 2 * WORKERS }, runCurl));
  }
  expect(after.map((answer) => [answer.status, answer.body.code])).toEqual(
    Array(2 * WORKERS).fill([401, "session_not_active"]),
  );
});
