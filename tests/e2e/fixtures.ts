import { decodeJwt } from "jose";
import { mintSessionToken } from "../../support/clerk-env";
import { test as base, expect, type BrowserContext } from "@playwright/test";
import { addTestingTokenThroughProxy } from "./clerk-testing";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Every test runs offline: a request to any host but this machine is blocked
 * and fails the test. So does any CSP violation. The shared app's Frontend API
 * calls carry the testing token clerkSetup() got (clerk.setup.ts).
 */
export const test = base.extend({
  baseURL: async ({ baseURL }, use) => use(process.env.E2E_APP_URL ?? baseURL),
  context: async ({ context }, use) => {
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (LOOPBACK.has(url.hostname)) return route.continue();
      outside.push(url.href);
      return route.abort("blockedbyclient");
    });
    await addTestingTokenThroughProxy(context, process.env.E2E_APP_URL!);
    // The pages' Content-Security-Policy must never have to block anything the app itself loads.
    const cspViolations: string[] = [];
    context.on("console", (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await use(context);
    expect(outside, "requests to hosts other than 127.0.0.1").toEqual([]);
    expect(cspViolations, "CSP violations in the console").toEqual([]);
  },
});

export { expect };

/**
 * Signs a browser in with cookies alone — `__session` plus `__client_uat`, as
 * Clerk leaves them — for what the server does with them. clerk-js is kept
 * from loading: it would find no Frontend API client behind these cookies and
 * sign the browser out, as it should.
 */
export async function addSessionCookies(context: BrowserContext, appUrl: string, sessionId: string) {
  await context.route("**/clerk.browser.js", (route) => route.abort());
  const jwt = await mintSessionToken(
    { apiUrl: process.env.E2E_EMULATOR_URL!, secretKey: process.env.E2E_EMULATOR_SECRET_KEY! },
    sessionId,
  );
  const { iat } = decodeJwt(jwt);
  const domain = new URL(appUrl).hostname;
  await context.addCookies([
    { name: "__session", value: jwt, domain, path: "/" },
    { name: "__client_uat", value: String(iat), domain, path: "/" },
  ]);
}
