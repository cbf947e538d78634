import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectSignedIn } from "./clerk-ui";
import { signInAs } from "./clerk-testing";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Short-lived session tokens (an emulator option) so that refreshes and an
 * expired `__session` happen within the test.
 */
const SESSION_TOKEN_LIFETIME_S = 12;

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

/**
 * The explorer's curl command carries the page's session token: its life is shown, a new one is put in once it
 * expires, and the copied one is then refused with token_expired (after Clerk's 5 s of clock skew).
 */
async function expectCurlCommandToFollowItsToken(page: Page) {
  await page.getByRole("button", { name: "Get token" }).click();
  const countdown = page.getByTestId("curl-countdown");
  await expect(countdown).toHaveText(/^expires in \d+ s$/);
  expect(Number(/\d+/.exec((await countdown.textContent()) ?? "")![0])).toBeLessThanOrEqual(SESSION_TOKEN_LIFETIME_S);
  await expect(page.getByTestId("curl-lifetime")).toContainText("Clerk's session tokens live 60 s");

  const command = page.getByTestId("curl-command");
  const [, copied, url] = /Bearer ([\w.-]+)" "([^"]+)"/.exec((await command.textContent()) ?? "") ?? [];
  await expect(page.getByTestId("curl-replaced")).toBeVisible({ timeout: (SESSION_TOKEN_LIFETIME_S + 5) * 1000 });
  await expect(countdown).toHaveText(/^expires in \d+ s$/);
  const [, current] = /Bearer ([\w.-]+)"/.exec((await command.textContent()) ?? "") ?? [];
  expect(current).not.toBe(copied);

  const withToken = (token: string) => fetch(url!, { headers: { Authorization: `Bearer ${token}` } });
  const codeFor = async (token: string) => {
    const answer = await withToken(token);
    return answer.status === 401 ? ((await answer.json()) as { code: string }).code : answer.status;
  };
  await expect.poll(() => codeFor(copied!), { timeout: 10_000 }).toBe("token_expired");
  expect((await withToken(current!)).status).toBe(200);
}

test("the user stays signed in across refreshes and after the session token expired; the curl command follows its token", async ({
  context,
}) => {
  test.setTimeout(120_000);
  const page = await context.newPage();
  await signInAs(page, app.url);
  await expectSignedIn(page);

  // More than a session token's lifetime on the explorer, then reloads: clerk-js refreshes __session in the
  // background, and each reload is authenticated by the server.
  await expectCurlCommandToFollowItsToken(page);
  await page.reload();
  await expectSignedIn(page);
  await page.waitForTimeout(8_000);
  await page.reload();
  await expectSignedIn(page);

  // With no page open nothing refreshes the cookie: the next page load meets an expired
  // __session, and Clerk's handshake renews it with a redirect instead of signing the user out.
  // Past the last token's life and @clerk/backend's 5 s of clock skew (clerk-js may have refreshed it just
  // before the page closed), as the rehearsal waits.
  await page.close();
  await sleep((SESSION_TOKEN_LIFETIME_S + 7) * 1000);
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
