import { clerkSetup, setupClerkTestingToken } from "@clerk/testing/playwright";
import { test as base, expect } from "@playwright/test";
import type { InstanceKind } from "../../../emulator/src/tokens/keys";
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from "../chromium";
import { startStage, type Stage } from "./stage";

/**
 * A rehearsal of real Clerk: Debian's Chromium resolves only the stage's host names (to
 * 127.0.0.1; every other name fails) and trusts only the stage's certificates, by key hash.
 * Every test fails on a request to any other host, a console error or a CSP violation.
 * @clerk/testing is set up as Clerk's Playwright guide does it, for the stage's instance:
 * clerkSetup() once it runs, setupClerkTestingToken() on every browser context.
 */
export const test = base.extend<object, { instanceKind: InstanceKind; stage: Stage }>({
  instanceKind: ["production", { option: true, scope: "worker" }],
  stage: [
    async ({ instanceKind }, use) => {
      const stage = await startStage(instanceKind);
      // The keys a reader's test runner has in its environment, here the stage's own instance.
      Object.assign(process.env, {
        CLERK_PUBLISHABLE_KEY: stage.emulator.publishableKey,
        CLERK_SECRET_KEY: stage.emulator.secretKey,
        CLERK_API_URL: stage.emulator.apiUrl,
      });
      await clerkSetup({ dotenv: false });
      await use(stage);
      await stage.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  browser: [
    async ({ playwright, stage }, use) => {
      const hostRules = [
        ...stage.mappedHosts.map((host) => `MAP ${host} 127.0.0.1`),
        "MAP * ~NOTFOUND",
        "EXCLUDE 127.0.0.1",
      ].join(", ");
      const browser = await playwright.chromium.launch({
        executablePath: CHROMIUM_EXECUTABLE,
        args: [
          ...CHROMIUM_ARGS,
          `--host-resolver-rules=${hostRules}`,
          `--ignore-certificate-errors-spki-list=${stage.spkiHashes.join(",")}`,
        ],
      });
      await use(browser);
      await browser.close();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ stage }, use) => use(stage.appUrl),
  context: async ({ context, stage }, use) => {
    const allowedHosts = new Set([...stage.mappedHosts, "127.0.0.1"]);
    const unmapped: string[] = [];
    const consoleErrors: string[] = [];
    context.on("request", (request) => {
      const { hostname, protocol } = new URL(request.url());
      if (/^https?:$/.test(protocol) && !allowedHosts.has(hostname)) unmapped.push(request.url());
    });
    context.on("console", (message) => {
      if (message.type() === "error" || /content security policy/i.test(message.text())) {
        // URLs in messages may hold a dev browser JWT, which no log may show.
        consoleErrors.push(message.text().replace(/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, "[jwt]"));
      }
    });
    context.on("response", (response) => {
      // Origin and path only: the query may hold a dev browser JWT.
      const { origin, pathname } = new URL(response.url());
      if (response.status() >= 400) consoleErrors.push(`${response.status()} ${origin}${pathname}`);
    });
    context.on("weberror", (error) => consoleErrors.push(String(error.error())));
    // Every Frontend API call on https://<CLERK_FAPI> carries the testing token.
    await setupClerkTestingToken({ context });
    await use(context);
    expect(unmapped, "requests to hosts not mapped to 127.0.0.1").toEqual([]);
    expect(consoleErrors, "console errors, CSP violations included").toEqual([]);
  },
});

export { expect };
