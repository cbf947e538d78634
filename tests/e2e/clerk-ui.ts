import { expect, type Page } from "@playwright/test";

/**
 * Drives Clerk's own components the way a person would: the form tests. A test that only needs a
 * signed-in user signs in with @clerk/testing instead (clerk-testing.ts: signInAs).
 */

export const ALICE = { email: "alice@example.com", password: "alice-password-1" };
/** The seed's ordinary user: no template editor. */
export const BOB = { email: "bob@example.com", password: "bob-password-1" };

export async function signInThroughClerk(page: Page, appUrl: string, email: string, password: string) {
  await page.goto(`${appUrl}/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  // The first step also has a hidden password input for autofill; the visible one is on the second step.
  await page.locator("input[name=password]:visible").fill(password);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
}

/** A new user signs up through <SignUp/> with the email code (Clerk's test-mode 424242), and is signed in. */
export async function signUpThroughClerk(page: Page, appUrl: string, email: string, password: string) {
  await page.goto(`${appUrl}/sign-up`);
  await page.getByLabel("Email address").fill(email);
  await page.locator("input[name=password]:visible").fill(password);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  // Typing all six digits submits the form.
  await page.locator("input[autocomplete=one-time-code]").fill("424242");
  await expectSignedIn(page);
}

/** A new user signs up with the email code, signs out, and signs in again, all through Clerk's components. */
export async function signUpSignOutSignIn(page: Page, appUrl: string, email: string) {
  const password = "a-new-password-42";
  await signUpThroughClerk(page, appUrl, email, password);
  await signOutThroughUserButton(page);
  await expectSignedOut(page);
  await signInThroughClerk(page, appUrl, email, password);
  await expectSignedIn(page);
}

export async function signOutThroughUserButton(page: Page) {
  await page.locator(".cl-userButtonTrigger").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
}

export async function expectSignedIn(page: Page) {
  await expect(page.getByRole("heading", { name: "Token explorer" })).toBeVisible();
}

export async function expectSignedOut(page: Page) {
  await expect(page.getByRole("heading", { name: "Get a Clerk JWT template token on the server" })).toBeVisible();
}
