import { test as base, expect } from "@playwright/test";
import { aliceSwitchesToAcmeAndBack, bobSwitchesToAcme, switchTo } from "./organization-flow";
import { expectSignedIn } from "./clerk-ui";
import { signInAs } from "./clerk-testing";

// Organizations with real clerk-js against the offline emulator: the switch in the header, the
// token route's reuse keyed per organization and role, the server-rendered token page.

/**
 * Offline as fixtures.ts's tests are, but by watching requests rather than intercepting them:
 * Playwright's interception turns Chromium's cache off, which then sends `Cache-Control: no-cache`
 * with every fetch, and the token route would never reuse a token (what these tests check).
 */
const test = base.extend({
  baseURL: async ({ baseURL }, use) => use(process.env.E2E_APP_URL ?? baseURL),
  context: async ({ context }, use) => {
    const problems: string[] = [];
    context.on("request", (request) => {
      const { protocol, hostname } = new URL(request.url());
      if (/^https?:$/.test(protocol) && hostname !== "127.0.0.1") problems.push(`request to ${request.url()}`);
    });
    context.on("console", (message) => {
      if (/content security policy/i.test(message.text())) problems.push(message.text());
    });
    await use(context);
    expect(problems, "requests to hosts other than 127.0.0.1, and CSP violations").toEqual([]);
  },
});

test("Alice switches to Acme and back: each token is for the organization then active", async ({ page, baseURL }) => {
  await aliceSwitchesToAcmeAndBack(page, baseURL!);
});

test("Bob, an ordinary member, gets Acme's claims as org:member", async ({ page, baseURL }) => {
  await bobSwitchesToAcme(page, baseURL!);
});

test("/tokens/:template is rendered for the organization active, again after a switch", async ({ page, baseURL }) => {
  await signInAs(page, baseURL!);
  await expectSignedIn(page);
  await page.goto("/tokens/organization");
  await expect(page.getByTestId("minted-for")).toContainText("personal account");
  await expect(page.locator('[data-claim="org_id"]')).toContainText("null");
  // The switch runs the page's loader again: the server renders Acme's token.
  await switchTo(page, "Acme");
  await expect(page.getByTestId("minted-for")).toContainText("as org:admin");
  await expect(page.locator('[data-claim="org_id"]')).toContainText('"org_seed_acme"');
});
