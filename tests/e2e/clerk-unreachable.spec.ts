import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator } from "../support/emulator";
import { expect, test } from "./fixtures";

/**
 * The emulator stopped under a running app, as Clerk being down looks to a visitor:
 * clerk-js cannot load, and the sign-in page says so with a way to retry instead of
 * staying blank.
 */
let app: AppServer;

test.beforeAll(async () => {
  const emulator = await startTestEmulator();
  app = await startAppServer(appEnvFor(emulator));
  await emulator.stop();
});

test.afterAll(async () => {
  await app?.stop();
});

test("with Clerk unreachable, /sign-in says so within 10 s and offers to try again", async ({ page }) => {
  const started = Date.now();
  await page.goto(`${app.url}/sign-in`);
  const alert = page.getByRole("alert").filter({ hasText: "Clerk's sign-in form could not be loaded" });
  await expect(alert).toBeVisible({ timeout: 10_000 });
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(alert).toContainText("The offline Clerk emulator is not answering");
  // The header and its sign-in link are there too, though Clerk is not.
  await expect(page.getByRole("navigation", { name: "Pages" })).toBeVisible();

  const reloaded = page.waitForEvent("load");
  await alert.getByRole("button", { name: "Try again" }).click();
  await reloaded;
  await expect(alert).toBeVisible({ timeout: 10_000 });
});
