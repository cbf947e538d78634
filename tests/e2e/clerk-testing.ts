import { createClerkClient } from "@clerk/backend";
import { clerk } from "@clerk/testing/playwright";
import type { BrowserContext, Page } from "@playwright/test";
import { ALICE } from "./clerk-ui";

/**
 * Signing in the way Clerk's Playwright guide does, with @clerk/testing: clerkSetup() has run
 * (clerk.setup.ts offline, the stage fixture in the rehearsals), so `clerk.signIn` finds the
 * testing token and the Frontend API. The <SignIn/> form itself: clerk-ui.ts.
 */

/** A seeded user (alice@example.com, the admin, unless told otherwise) signs in; the app's home page is then loaded, signed in. */
export async function signInAs(page: Page, appUrl: string, user: { email: string; password: string } = ALICE) {
  // clerk.signIn needs a page that loads clerk-js.
  await page.goto(appUrl);
  await clerk.signIn({ page, signInParams: { strategy: "password", identifier: user.email, password: user.password } });
  await page.goto(appUrl);
}

/**
 * What `clerk.signIn({ page, emailAddress })` does, pointed at CLERK_API_URL: @clerk/testing 1.14
 * builds its own Backend API client there without `apiUrl`, so it always calls api.clerk.com.
 * The user is found by email address and signed in with a sign-in token's ticket, no password.
 */
export async function signInByEmail(page: Page, appUrl: string, emailAddress: string) {
  const clerkClient = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY, apiUrl: process.env.CLERK_API_URL });
  const { data: users } = await clerkClient.users.getUserList({ emailAddress: [emailAddress] });
  if (!users[0]) throw new Error(`No user found with email: ${emailAddress}`);
  const { token } = await clerkClient.signInTokens.createSignInToken({ userId: users[0].id, expiresInSeconds: 300 });
  await page.goto(appUrl);
  await clerk.signIn({ page, signInParams: { strategy: "ticket", ticket: token } });
  await page.goto(appUrl);
}

/**
 * setupClerkTestingToken() routes only `https://<CLERK_FAPI>/v1/…`. Offline, clerk-js calls the
 * app's same-origin proxy on plain http (`<app>/__clerk/v1/…`), which that misses; this adds the
 * testing token there as it would, for the app whose emulator clerkSetup() asked (docs/testing.md).
 */
export async function addTestingTokenThroughProxy(context: BrowserContext, appUrl: string) {
  await context.route(
    (url) => url.href.startsWith(`${appUrl}/__clerk/v1/`),
    async (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set("__clerk_testing_token", process.env.CLERK_TESTING_TOKEN ?? "");
      await route.fallback({ url: url.href });
    },
  );
}
