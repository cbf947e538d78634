import { decodeJwt } from "jose";
import { expect, test } from "./fixtures";
import {
  ALICE,
  expectSignedIn,
  expectSignedOut,
  signInThroughClerk,
  signOutThroughUserButton,
  signUpSignOutSignIn,
} from "./clerk-ui";

test("a new user signs up with an email code, signs out, and signs in again", async ({ page, baseURL }) => {
  const email = `new-user-${Date.now()}@example.com`;
  await signUpSignOutSignIn(page, baseURL!, email);
  // They gave no name: the seeded profile template names them by their email, not "null null".
  const response = await page.request.get("/api/get-token-example?template=profile");
  expect(decodeJwt(((await response.json()) as { token: { jwt: string } }).token.jwt).name).toBe(email);
});

test("a duplicate sign-up shows Clerk's error", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email address").fill(ALICE.email);
  await page.locator("input[name=password]:visible").fill("another-password-1");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.locator("#error-emailAddress")).toContainText("That email address is taken");
});

test("a wrong password and an unknown email show Clerk's errors", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill("nobody@example.com");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.locator("#error-identifier")).toContainText("Couldn't find your account");

  await page.getByLabel("Email address").fill(ALICE.email);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await page.locator("input[name=password]:visible").fill("not-her-password");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.locator("#error-password")).toContainText("Password is incorrect");
});

test("after signing out, the resource route answers the same browser 401", async ({ page, baseURL }) => {
  await signInThroughClerk(page, baseURL!, ALICE.email, ALICE.password);
  await expectSignedIn(page);
  expect((await page.request.get("/api/get-token-example")).status()).toBe(200);

  await signOutThroughUserButton(page);
  await expectSignedOut(page);
  const response = await page.request.get("/api/get-token-example");
  expect(response.status()).toBe(401);
  expect((await response.json()).code).toBe("no_credentials");
});
