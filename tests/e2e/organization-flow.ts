import { expect, type Page } from "@playwright/test";
import { decodeJwt } from "jose";
import * as ui from "./clerk-ui";
import { signInAs } from "./clerk-testing";

/**
 * The organizations flow with real clerk-js, shared by the offline suite and the rehearsals:
 * `<OrganizationSwitcher/>` switches the session's active organization (setActive), and the
 * explorer's next token, from the seeded `organization` template, must be minted for it.
 */

export const ACME = { id: "org_seed_acme", slug: "acme" };

/** Asks the explorer for an `organization` token: its claims, Server-Timing, and the page's "Minted for". */
export async function organizationToken(page: Page) {
  await page.getByLabel("JWT template").selectOption("organization");
  const answered = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/get-token-example");
  await page.getByRole("button", { name: "Get token" }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  const { token } = (await response.json()) as { token: { jwt: string } };
  await expect(page.getByTestId("jwt")).toHaveText(token.jwt);
  return {
    claims: decodeJwt(token.jwt),
    serverTiming: response.headers()["server-timing"] ?? "",
    mintedFor: page.getByTestId("minted-for"),
  };
}

/** Picks an account in `<OrganizationSwitcher/>`, and waits until the switcher shows it as active. */
export async function switchTo(page: Page, account: "Acme" | "Personal account") {
  const trigger = page.locator(".cl-organizationSwitcherTrigger");
  await trigger.click();
  await page.getByRole("menuitem", { name: account }).click();
  await expect(trigger).toContainText(account);
}

/**
 * Alice signs in with @clerk/testing, and Chromium caches again: clerk.signIn routes the testing
 * token (so do the rehearsals' contexts), any Playwright route turns Chromium's HTTP cache off, and
 * every fetch then sends `Cache-Control: no-cache`, which the token route honours by minting afresh
 * ("bypass"): the reuse this flow checks would never happen. Signed in, the testing token is not needed.
 */
async function signInAsAliceWithCache(page: Page, appUrl: string) {
  await signInAs(page, appUrl, ui.ALICE);
  await page.context().unrouteAll();
}

const NO_ORGANIZATION = { org_id: null, org_slug: null, org_role: null, org_name: null, permissions: null };

/**
 * Alice, Acme's admin: no organization claims on the personal account, Acme's as org:admin once
 * she switches to it (a new token, not the personal one reused), none again once she switches
 * back (the personal token, not Acme's) — all within one reuse window (45 s of a 60 s token).
 */
export async function aliceSwitchesToAcmeAndBack(page: Page, appUrl: string) {
  await signInAsAliceWithCache(page, appUrl);
  await ui.expectSignedIn(page);
  const startedAt = Date.now();

  const personal = await organizationToken(page);
  expect(personal.claims).toMatchObject({ sub: "user_seed_alice", ...NO_ORGANIZATION });
  await expect(personal.mintedFor).toContainText("personal account");

  await switchTo(page, "Acme");
  const acme = await organizationToken(page);
  expect(acme.claims).toMatchObject({ org_id: ACME.id, org_slug: ACME.slug, org_role: "org:admin", org_name: "Acme" });
  expect(acme.serverTiming, "Acme's token is minted, not the personal one reused").toMatch(/cache;desc="miss"/);
  await expect(acme.mintedFor).toContainText(`acme (${ACME.id}), as org:admin`);

  await switchTo(page, "Personal account");
  const back = await organizationToken(page);
  expect(back.claims).toMatchObject(NO_ORGANIZATION);
  expect(back.claims.jti, "the personal account's token, not Acme's").toBe(personal.claims.jti);
  expect(back.serverTiming).toMatch(/cache;desc="hit"/);
  await expect(back.mintedFor).toContainText("personal account");
  expect(Date.now() - startedAt, "the whole switch within one reuse window").toBeLessThan(45_000);
}

/** Bob, an ordinary member of Acme: org:member, and the permission to read only. */
export async function bobSwitchesToAcme(page: Page, appUrl: string) {
  await signInAs(page, appUrl, ui.BOB);
  await ui.expectSignedIn(page);
  await switchTo(page, "Acme");
  const { claims, mintedFor } = await organizationToken(page);
  expect(claims).toMatchObject({
    sub: "user_seed_bob",
    org_id: ACME.id,
    org_slug: ACME.slug,
    org_role: "org:member",
    team: "support",
    permissions: ["org:tokens:read"],
  });
  await expect(mintedFor).toContainText("as org:member");
}
