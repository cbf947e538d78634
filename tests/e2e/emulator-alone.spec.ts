import { parseEnv } from "node:util";
import { spawnCaptured, startAppServer } from "../../support/app-server";
import { makeTempDir } from "../../support/temp-dir";
import { expectSignedIn } from "./clerk-ui";
import { signInAs } from "./clerk-testing";
import { expect, test } from "./fixtures";

/**
 * The emulator as its README offers it, on its own: `npm run emulator` prints the env lines an
 * app needs, and the app started with exactly those lines (and where to listen) loads clerk-js,
 * shows <SignIn/> and signs a user in.
 */

const ENV_LINES = /Env for the app[^\n]*:\n([\s\S]*?)\n\n/;

/** The lines the emulator prints under "Env for the app", once it has printed them all. */
async function printedEnvLines(emulator: ReturnType<typeof spawnCaptured>): Promise<string> {
  await expect
    .poll(() => (emulator.isRunning() ? ENV_LINES.test(emulator.output()) : emulator.output()), { timeout: 30_000 })
    .toBe(true);
  return emulator.output().match(ENV_LINES)![1]!;
}

test("the app started with exactly the lines `npm run emulator` prints shows <SignIn/> and signs in", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const dataDir = await makeTempDir("clerk-emulator-alone-");
  const emulator = spawnCaptured(
    "npm",
    ["run", "--silent", "emulator", "--", "--port", "0", "--data-dir", dataDir.dir],
    {},
    {
      detached: true,
    },
  );
  try {
    const lines = await printedEnvLines(emulator);
    const env = parseEnv(lines) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual([
      "CLERK_API_URL",
      "CLERK_JS",
      "CLERK_JWT_KEY",
      "CLERK_PROXY_URL",
      "CLERK_PUBLISHABLE_KEY",
      "CLERK_SECRET_KEY",
      "OFFLINE_EMULATOR",
    ]);
    const app = await startAppServer(env);
    try {
      await page.goto(`${app.url}/sign-in`);
      // clerk-js loaded through the printed proxy settings: Clerk's own form is there.
      await expect(page.getByLabel("Email address")).toBeVisible();
      await signInAs(page, app.url);
      await expectSignedIn(page);
      expect((await page.request.get(`${app.url}/api/get-token-example`)).status()).toBe(200);
    } finally {
      await app.stop();
    }
  } finally {
    if (emulator.isRunning()) process.kill(-emulator.child.pid!, "SIGINT");
    await emulator.exited;
    await dataDir.remove();
  }
});
